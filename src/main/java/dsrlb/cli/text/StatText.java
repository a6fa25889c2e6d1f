package dsrlb.cli.text;

import dsrlb.dataplane.DropReason;
import dsrlb.status.GlobalReport;
import dsrlb.status.VserverReport;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code stat lb vserver} for people: the interface's counters, then the vservers'. */
public final class StatText {
    private StatText() {}

    /**
     * The global counters, then the vservers' statistics.
     *
     * @param detail one named vserver: its statistics and bound services in full
     */
    public static String stat(GlobalReport g, List<VserverReport> vservers, boolean detail) {
        StringBuilder sb = new StringBuilder();
        if (g.engine() != null) {
            sb.append("Engine: ")
                    .append(g.engine())
                    .append(
                            g.kernelPath() != null
                                    ? " (dsrlb decides, the kernel forwards)"
                                    : " (every frame to a VIP crosses user space)")
                    .append("\n\n");
        }
        new TextTable("Forwarding Statistics", ">Total")
                .row("Packets received", g.received())
                .row("Packets forwarded", g.forwarded())
                .row("Checksums completed", g.checksumsCompleted())
                .row("ARP replies sent", g.arpRepliesSent())
                .row("VIP ARP conflicts", g.vipArpConflicts())
                .row("State rebuilds", g.stateRebuilds())
                .appendTo(sb);
        GlobalReport.Transfers tr = g.transfers();
        if (tr != null) {
            sb.append('\n');
            new TextTable("TFTP transfers", ">Total")
                    .row("Started (RRQ)", tr.started())
                    .row("Finished (client idle 3 s)", tr.finished())
                    .row("Not tracked", tr.untracked())
                    .appendTo(sb);
            if (!tr.topFiles().isEmpty()) {
                TextTable files = new TextTable("Most requested files", ">Requests");
                tr.topFiles().forEach(c -> files.row(Text.clean(c.key()), c.requests()));
                sb.append('\n');
                files.appendTo(sb);
                TextTable clients = new TextTable("Top clients", ">Requests");
                tr.topClients().forEach(c -> clients.row(c.key(), c.requests()));
                sb.append('\n');
                clients.appendTo(sb);
            }
        }
        GlobalReport.KernelPath k = g.kernelPath();
        if (k != null) {
            sb.append('\n');
            new TextTable("Kernel path (--engine offload)", ">Total")
                    .row("Packets forwarded by the kernel", k.packets())
                    .row("Bytes forwarded by the kernel", k.bytes())
                    .row("Clients in the kernel's maps", k.clients())
                    .row("Clients installed", k.installs())
                    .row("Clients taken back", k.removals())
                    .row("nftables failures", k.failures())
                    .row("Table put back after removal from outside", k.tableRestores())
                    .row("Clients left in user space (map full)", k.mapFull())
                    .appendTo(sb);
        }
        GlobalReport.VipArpConflict c = g.lastVipArpConflict();
        if (c != null) {
            sb.append("Last VIP ARP conflict: ")
                    .append(c.vip())
                    .append(" claimed by MAC ")
                    .append(c.mac())
                    .append(" at ")
                    .append(c.lastSeen())
                    .append(" (check arp_ignore/arp_announce on that host)\n");
        }
        sb.append('\n');
        TextTable drops = new TextTable("Drops", ">Total");
        long total = 0;
        for (Map.Entry<String, Long> d : g.drops().entrySet()) {
            if (d.getValue() > 0) {
                drops.row(d.getKey() + " (" + description(d.getKey()) + ")", d.getValue());
                total += d.getValue();
            }
        }
        drops.row("all", total).appendTo(sb);
        sb.append('\n');

        sb.append(detail ? "Virtual Server Summary\n" : "Virtual Server(s) Summary\n");
        TextTable summary = new TextTable(
                "Name",
                "VIP",
                "Port",
                "Protocol",
                "State",
                ">Hits",
                ">New clients",
                ">Persistence hits",
                ">Re-picks",
                ">Persisted",
                ">Active services");
        for (VserverReport v : vservers) {
            summary.row(
                    v.name(),
                    v.vip(),
                    Text.port(v.port()),
                    v.protocol(),
                    v.state(),
                    v.hits(),
                    v.newClients(),
                    v.persistenceHits(),
                    v.repicks(),
                    v.persistenceTableSize(),
                    v.activeServices() + "/" + v.services().size());
        }
        summary.appendTo(sb);
        if (detail) {
            for (VserverReport v : vservers) {
                sb.append('\n');
                new TextTable("Virtual Server Statistics", ">Total")
                        .row("Vserver hits", v.hits())
                        .row("New clients", v.newClients())
                        .row("Persistence hits", v.persistenceHits())
                        .row("Re-picks", v.repicks())
                        .row("Persisted clients", v.persistenceTableSize())
                        .appendTo(sb);
                sb.append('\n');
                VserverText.boundServices(sb, v);
            }
        }
        return sb.append(Text.DONE).toString();
    }

    private static String description(String metricName) {
        try {
            return DropReason.valueOf(metricName.toUpperCase(Locale.ROOT)).description();
        } catch (IllegalArgumentException e) {
            return "reason unknown to this client";
        }
    }
}
