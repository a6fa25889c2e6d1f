package dsrlb.balance;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * SOURCEIP persistence: client address → service id, forgotten after {@code timeout} without
 * packets (NetScaler's -timeout is idle time) and bounded in size.
 *
 * <p>Lookups happen for every packet, so they must not allocate: the receive thread probes
 * with one mutable {@link ClientKey} it owns; only a new client allocates a stored key.
 * Service ids below 128 are boxed from the Integer cache.
 */
public final class Persistence {
    private final Cache<ClientKey, Integer> table;
    private final ClientKey probe = new ClientKey(0);

    /**
     * @param timeout idle time after which a client is forgotten; zero means never (the size
     *     bound still applies)
     */
    public Persistence(Duration timeout, long maximumSize, Ticker ticker) {
        // recordStats: only counters (LongAdders) on eviction, nothing on the lookup path's allocation.
        Caffeine<Object, Object> builder = Caffeine.newBuilder()
                .maximumSize(maximumSize)
                .ticker(ticker)
                .executor(Runnable::run)
                .recordStats();
        if (!timeout.isZero()) {
            builder.expireAfterAccess(timeout);
        }
        this.table = builder.build();
    }

    /** The persisted service of {@code clientIp}, or -1. Receive thread only. */
    public int lookup(int clientIp) {
        probe.ip = clientIp;
        Integer id = table.getIfPresent(probe);
        return id == null ? -1 : id;
    }

    public void remember(int clientIp, int serviceId) {
        table.put(new ClientKey(clientIp), serviceId);
    }

    /**
     * Marks a client as active (any thread): used when the kernel forwards its packets and
     * dsrlb never sees them. A client not in the table is added with {@code serviceId}.
     */
    public void keepAlive(int clientIp, int serviceId) {
        ClientKey key = new ClientKey(clientIp);
        if (table.getIfPresent(key) == null) {
            table.asMap().putIfAbsent(key, serviceId);
        }
    }

    /** Clients dropped for idling past the timeout or for the size bound. */
    public long evictions() {
        return table.stats().evictionCount();
    }

    public long size() {
        table.cleanUp();
        return table.estimatedSize();
    }

    /** Visits the entries (control plane: status output). */
    public void forEach(BiConsumer<Integer, Integer> clientToService) {
        for (Map.Entry<ClientKey, Integer> e : table.asMap().entrySet()) {
            clientToService.accept(e.getKey().ip, e.getValue());
        }
    }

    /**
     * An IPv4 address as a cache key. Mutable only for the probe that {@link Persistence}
     * owns; stored keys are never changed after insertion.
     */
    static final class ClientKey {
        private int ip;

        ClientKey(int ip) {
            this.ip = ip;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ClientKey k && k.ip == ip;
        }

        @Override
        public int hashCode() {
            return (int) Maglev.mix64(ip);
        }
    }
}
