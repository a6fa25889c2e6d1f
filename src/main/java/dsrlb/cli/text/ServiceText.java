package dsrlb.cli.text;

import dsrlb.status.ServiceReport;
import java.util.List;

/** {@code show service} for people: a table of all, or NetScaler's detail of one with its monitors. */
public final class ServiceText {
    private ServiceText() {}

    public static String show(List<ServiceReport> services, boolean detail) {
        StringBuilder sb = new StringBuilder();
        if (detail) {
            services.forEach(s -> detail(sb, s));
            return sb.append(Text.DONE).toString();
        }
        TextTable t = new TextTable(
                "Name",
                "Address",
                "Port",
                "Protocol",
                "State",
                "MAC",
                ">Persisted",
                ">Transfers",
                ">Packets",
                ">Bytes",
                "Reason");
        for (ServiceReport s : services) {
            t.row(
                    s.name(),
                    s.address(),
                    Text.port(s.port()),
                    s.protocol(),
                    s.state(),
                    s.mac() == null ? "-" : s.mac(),
                    s.persistedClients(),
                    s.activeTransfers(),
                    s.packetsForwarded(),
                    s.bytesForwarded(),
                    Text.clean(s.reason()));
        }
        t.appendTo(sb);
        return sb.append(Text.DONE).toString();
    }

    private static void detail(StringBuilder sb, ServiceReport s) {
        sb.append('\t')
                .append(Text.endpoint(s.name(), s.address(), s.port(), s.protocol()))
                .append('\n');
        sb.append("\tState: ").append(s.state()).append('\n');
        sb.append("\tReason: ").append(Text.clean(s.reason())).append('\n');
        sb.append("\tServer Name: ")
                .append(s.server())
                .append("\tMAC: ")
                .append(s.mac() == null ? "unknown" : s.mac())
                .append('\n');
        for (ServiceReport.Binding b : s.bindings()) {
            sb.append("\tBound to vserver: ")
                    .append(b.vserver())
                    .append("\tWeight: ")
                    .append(b.weight())
                    .append('\n');
        }
        if (s.macConflicts() > 0) {
            sb.append("\tMAC conflicts: ")
                    .append(s.macConflicts())
                    .append(" (last ")
                    .append(s.lastMacConflict())
                    .append(", not adopted)\n");
        }
        sb.append("\tPersisted clients: ").append(s.persistedClients()).append('\n');
        sb.append("\tActive transfers: ").append(s.activeTransfers()).append('\n');
        sb.append("\tForwarded: ")
                .append(s.packetsForwarded())
                .append(" packets, ")
                .append(s.bytesForwarded())
                .append(" bytes\n");
        if (s.monitors().isEmpty()) {
            sb.append("\tMonitors: none (UP while the backend answers ARP)\n");
            return;
        }
        int i = 0;
        for (ServiceReport.Monitor m : s.monitors()) {
            sb.append('\n')
                    .append(++i)
                    .append(")\tMonitor Name: ")
                    .append(m.name())
                    .append('\n');
            sb.append("\t\tState: ")
                    .append(m.state())
                    .append("\tReason: ")
                    .append(Text.clean(m.reason()))
                    .append('\n');
            ServiceReport.Probe p = m.lastProbe();
            if (p == null) {
                sb.append("\t\tLast response: none yet\n");
            } else {
                sb.append("\t\tLast response: ")
                        .append(p.ok() ? "Success - " : "Failure - ")
                        .append(Text.clean(p.result()))
                        .append('\n');
                sb.append("\t\tResponse Time: ")
                        .append(Text.millis(p.responseTime()))
                        .append('\n');
            }
        }
    }
}
