package dsrlb.balance;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Ticker;
import dsrlb.net.IpAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * SOURCEIP persistence: client address (IPv4 or IPv6, as {@link IpAddress}'s two words) → service id, forgotten after {@code timeout} without
 * packets (NetScaler's -timeout is idle time) and bounded in size.
 *
 * <p>Lookups happen for every packet, so they must not allocate: the receive thread probes
 * with one mutable {@link ClientKey} it owns; only a new client allocates a stored key.
 * Service ids below 128 are boxed from the Integer cache.
 *
 * <p>The clients per service are counted as entries come and go, so that status (the page,
 * once a second, and every metrics scrape) reads a number per service instead of walking a
 * table of a million clients: a write adds what {@link Map#put} says it replaced, and Caffeine's
 * eviction listener, which runs inside the atomic operation that evicts (idle past the timeout,
 * over the size bound, or an expired entry a write replaces), takes it away. Nothing else
 * removes entries. The counts are an {@link AtomicLongArray}: no allocation when maintenance
 * runs on the receive thread.
 */
public final class Persistence {
    private final Cache<ClientKey, Integer> table;
    private final ClientKey probe = new ClientKey(0, 0);
    /** Entries per service id; ids outside it (none, from a consistent caller) are not counted. */
    private final AtomicLongArray clientsByService;

    /**
     * @param timeout idle time after which a client is forgotten; zero means never (the size
     *     bound still applies)
     * @param services how many service ids there are (the balancer's): ids are 0..services-1
     */
    public Persistence(Duration timeout, long maximumSize, Ticker ticker, int services) {
        this.clientsByService = new AtomicLongArray(services);
        // recordStats: only counters (LongAdders) on eviction, nothing on the lookup path's allocation.
        Caffeine<ClientKey, Integer> builder = Caffeine.newBuilder()
                .maximumSize(maximumSize)
                .ticker(ticker)
                .executor(Runnable::run)
                .evictionListener((ClientKey key, Integer id, RemovalCause cause) -> {
                    if (id != null) {
                        count(id, -1);
                    }
                })
                .recordStats();
        if (!timeout.isZero()) {
            builder.expireAfterAccess(timeout);
        }
        this.table = builder.build();
    }

    /** The persisted service of the IPv4 {@code clientIp}, or -1. Receive thread only. */
    public int lookup(int clientIp) {
        return lookup(0, IpAddress.mappedLow(clientIp));
    }

    /** The persisted service of the client {@code (high, low)}, or -1. Receive thread only. */
    public int lookup(long high, long low) {
        probe.high = high;
        probe.low = low;
        Integer id = table.getIfPresent(probe);
        return id == null ? -1 : id;
    }

    public void remember(int clientIp, int serviceId) {
        remember(0, IpAddress.mappedLow(clientIp), serviceId);
    }

    public void remember(IpAddress client, int serviceId) {
        remember(client.high(), client.low(), serviceId);
    }

    public void remember(long high, long low, int serviceId) {
        // null also when an expired entry was there: the eviction listener took that one away.
        Integer old = table.asMap().put(new ClientKey(high, low), serviceId);
        if (old == null || old != serviceId) {
            count(serviceId, 1);
            if (old != null) {
                count(old, -1);
            }
        }
    }

    /**
     * Marks a client as active (any thread): used when the kernel forwards its packets and
     * dsrlb never sees them. A client not in the table is added with {@code serviceId}.
     */
    public void keepAlive(int clientIp, int serviceId) {
        keepAlive(0, IpAddress.mappedLow(clientIp), serviceId);
    }

    /** {@link #keepAlive(int, int)} for the client {@code (high, low)} ({@link IpAddress}), IPv4 or IPv6. */
    public void keepAlive(long high, long low, int serviceId) {
        ClientKey key = new ClientKey(high, low);
        if (table.getIfPresent(key) == null && table.asMap().putIfAbsent(key, serviceId) == null) {
            count(serviceId, 1);
        }
    }

    private void count(int serviceId, int delta) {
        if (serviceId >= 0 && serviceId < clientsByService.length()) {
            clientsByService.addAndGet(serviceId, delta);
        }
    }

    /** Clients persisted to {@code serviceId}: O(1), kept as entries are added, replaced and evicted. */
    public long clients(int serviceId) {
        return serviceId >= 0 && serviceId < clientsByService.length() ? clientsByService.get(serviceId) : 0;
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
    public void forEach(ClientVisitor visitor) {
        for (Map.Entry<ClientKey, Integer> e : table.asMap().entrySet()) {
            visitor.visit(e.getKey().high, e.getKey().low, e.getValue());
        }
    }

    /** Sees one entry: the client in {@link IpAddress}'s two words, and its service id. */
    @FunctionalInterface
    public interface ClientVisitor {
        void visit(long high, long low, int serviceId);
    }

    /**
     * A client address as a cache key. Mutable only for the probe that {@link Persistence}
     * owns; stored keys are never changed after insertion.
     */
    static final class ClientKey {
        private long high;
        private long low;

        ClientKey(long high, long low) {
            this.high = high;
            this.low = low;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ClientKey k && k.low == low && k.high == high;
        }

        @Override
        public int hashCode() {
            return (int) Maglev.mix64(low ^ Maglev.mix64(high));
        }
    }
}
