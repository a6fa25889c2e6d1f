package dsrlb.cli.text;

import dsrlb.status.VserverReport;
import java.util.List;

/** {@code show lb vserver} for people, after NetScaler's output of the same command. */
public final class VserverText {
    private VserverText() {}

    /**
     * The vservers as {@code show lb vserver} prints them.
     *
     * @param detail one named vserver: adds its bound services, as NetScaler does
     */
    public static String show(List<VserverReport> vservers, boolean detail) {
        StringBuilder sb = new StringBuilder();
        int n = 0;
        for (VserverReport v : vservers) {
            if (!detail && n > 0) {
                sb.append('\n');
            }
            sb.append(detail ? "" : ++n + ")")
                    .append('\t')
                    .append(Text.endpoint(v.name(), v.vip(), v.port(), v.protocol()))
                    .append("\tType: ADDRESS\n");
            sb.append("\tState: ").append(v.state()).append('\n');
            sb.append("\tNo. of Bound Services :  ")
                    .append(v.services().size())
                    .append(" (Total) \t ")
                    .append(v.activeServices())
                    .append(" (Active)\n");
            sb.append("\tConfigured Method: ").append(v.lbMethod()).append("\tMode: MAC\n");
            sb.append("\tPersistence: ").append(v.persistenceType());
            if (!v.persistenceType().equals("NONE")) {
                sb.append("\tPersistence Timeout: ")
                        .append(v.persistenceTimeoutMinutes())
                        .append(" min")
                        .append(v.persistenceTimeoutMinutes() == 0 ? " (never idle out)" : "")
                        .append("\tMax entries: ")
                        .append(v.persistenceMaxEntries());
            }
            sb.append('\n');
            sb.append("\tVserver hits: ")
                    .append(v.hits())
                    .append("\tNew clients: ")
                    .append(v.newClients())
                    .append("\tPersistence hits: ")
                    .append(v.persistenceHits())
                    .append("\tRe-picks: ")
                    .append(v.repicks())
                    .append('\n');
            sb.append("\tPersisted clients: ").append(v.persistenceTableSize()).append('\n');
            if (detail) {
                sb.append('\n');
                boundServices(sb, v);
            }
        }
        return sb.append(Text.DONE).toString();
    }

    static void boundServices(StringBuilder sb, VserverReport v) {
        int i = 0;
        for (VserverReport.Bound b : v.services()) {
            sb.append(++i)
                    .append(") ")
                    .append(b.name())
                    .append(" (")
                    .append(b.address())
                    .append(": ")
                    .append(Text.port(b.port()))
                    .append(") - ")
                    .append(b.protocol())
                    .append(" State: ")
                    .append(b.state())
                    .append("\tWeight: ")
                    .append(b.weight())
                    .append('\n');
        }
    }
}
