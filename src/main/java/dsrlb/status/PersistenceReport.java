package dsrlb.status;

import java.util.List;

/**
 * SOURCEIP persistence entries, sorted by client address.
 *
 * @param client the client asked for, or null for all
 * @param total entries that matched; more than {@code entries} when {@code truncated}
 */
public record PersistenceReport(@Json.Nullable String client, long total, boolean truncated, List<Entry> entries) {
    public PersistenceReport {
        entries = List.copyOf(entries);
    }

    /** One client and the service persistence sends it to. */
    public record Entry(String client, String vserver, String service) {}
}
