package dsrlb.status;

import java.util.List;

/**
 * What the control channel reports, as snapshots taken at the call. The daemon's is
 * {@link LiveStatus}; tests use fixed data.
 */
public interface StatusSource {
    /** Every service, in config order. */
    List<ServiceReport> services();

    /** Every vserver, in config order. */
    List<VserverReport> vservers();

    GlobalReport global();

    /** This dsrlb as a whole; null where the source does not know it (a test's fixed data). */
    default NodeReport node() {
        return null;
    }

    /**
     * Persisted clients sorted by address (then vserver), at most {@code limit} of them.
     *
     * @param client a dotted-quad address to show only that client, or null for all
     */
    PersistenceReport persistence(String client, int limit);
}
