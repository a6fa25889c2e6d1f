package dsrlb.cli.text;

import dsrlb.status.PersistenceReport;

/** {@code show persistence} for people: client, vserver, service. */
public final class PersistenceText {
    private PersistenceText() {}

    public static String show(PersistenceReport p) {
        StringBuilder sb = new StringBuilder();
        if (p.entries().isEmpty()) {
            sb.append(
                    p.client() == null
                            ? "No persisted clients\n"
                            : "No persistence entry for client " + p.client() + "\n");
            return sb.append(Text.DONE).toString();
        }
        TextTable t = new TextTable("Client", "Vserver", "Service");
        p.entries().forEach(e -> t.row(e.client(), e.vserver(), e.service()));
        t.appendTo(sb);
        sb.append("Total: ").append(p.total()).append(p.total() == 1 ? " persisted client" : " persisted clients");
        if (p.truncated()) {
            sb.append(" (showing the first ").append(p.entries().size()).append(')');
        }
        return sb.append('\n').append(Text.DONE).toString();
    }
}
