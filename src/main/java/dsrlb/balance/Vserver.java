package dsrlb.balance;

import com.github.benmanes.caffeine.cache.Ticker;
import dsrlb.config.PersistenceType;
import dsrlb.config.VserverConfig;
import dsrlb.net.IpAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntUnaryOperator;

/**
 * The run-time side of a vserver: picks a service for a client with the configured method and
 * persistence. Its mutable state (round-robin credits, persistence table) outlives snapshots;
 * which services are eligible comes with each call in a {@link PoolSnapshot}.
 *
 * <p>{@link #pick} is called by the receive thread only.
 */
public final class Vserver {
    private final VserverConfig config;
    private final List<PoolSnapshot.BoundService> bindings;
    private final Persistence persistence;
    /** Smooth weighted round robin (as in nginx): one credit per binding position. */
    private final int[] credit;

    /** Active transfers by service id (LEASTTRANSFERS); none are known until the daemon says. */
    private volatile IntUnaryOperator activeTransfers = id -> 0;

    private int rotation;

    private final LongAdder newClients = new LongAdder();
    private final LongAdder persistenceHits = new LongAdder();
    private final LongAdder repicks = new LongAdder();

    /** @param services how many services the balancer has (persistence counts clients per service id) */
    public Vserver(VserverConfig config, List<PoolSnapshot.BoundService> bindings, Ticker ticker, int services) {
        this.config = config;
        this.bindings = List.copyOf(bindings);
        this.persistence = config.persistence() == PersistenceType.SOURCEIP
                ? new Persistence(
                        Duration.ofMinutes(config.timeoutMinutes()), config.persistenceMaxEntries(), ticker, services)
                : null;
        this.credit = new int[bindings.size()];
    }

    /** The service id for a packet from the IPv4 {@code clientIp}, or -1 when no service is eligible. */
    public int pick(int clientIp, PoolSnapshot pool, ServiceView[] services) {
        return pick(0, IpAddress.mappedLow(clientIp), pool, services);
    }

    /**
     * The service id for a packet from the client {@code (high, low)} ({@link IpAddress}'s words:
     * IPv6, or IPv4 mapped), or -1 when no service is eligible.
     */
    public int pick(long high, long low, PoolSnapshot pool, ServiceView[] services) {
        if (persistence != null) {
            int id = persistence.lookup(high, low);
            if (id >= 0) {
                if (services[id].keepsPersistedClients()) {
                    persistenceHits.increment();
                    return id;
                }
                repicks.increment();
            }
        }
        if (pool.isEmpty()) {
            return -1;
        }
        int id = switch (config.method()) {
            case SOURCEIPHASH -> pool.serviceIds()[pool.maglev()[Maglev.slot(high, low, pool.maglev().length)]];
            case LEASTTRANSFERS -> leastTransfers(pool);
            case ROUNDROBIN -> nextRoundRobin(pool);
        };
        newClients.increment();
        if (persistence != null) {
            persistence.remember(high, low, id);
        }
        return id;
    }

    /** Fewest active transfers per unit of weight; ties go round, so equal services share a burst. */
    private int leastTransfers(PoolSnapshot pool) {
        int[] ids = pool.serviceIds();
        int[] weights = pool.weights();
        IntUnaryOperator active = activeTransfers;
        int n = ids.length;
        int start = Math.floorMod(rotation++, n);
        int best = -1;
        long bestScore = Long.MAX_VALUE;
        for (int k = 0; k < n; k++) {
            int i = (start + k) % n;
            long score = (long) active.applyAsInt(ids[i]) * 1_000_000L / Math.max(1, weights[i]);
            if (score < bestScore) {
                bestScore = score;
                best = i;
            }
        }
        return ids[best];
    }

    /** Where LEASTTRANSFERS reads the active transfers of a service. */
    public void useTransferCounts(IntUnaryOperator counts) {
        this.activeTransfers = counts;
    }

    private int nextRoundRobin(PoolSnapshot pool) {
        int[] positions = pool.positions();
        int[] weights = pool.weights();
        int total = 0;
        int best = 0;
        for (int i = 0; i < positions.length; i++) {
            credit[positions[i]] += weights[i];
            total += weights[i];
            if (credit[positions[i]] > credit[positions[best]]) {
                best = i;
            }
        }
        credit[positions[best]] -= total;
        return pool.serviceIds()[best];
    }

    public VserverConfig config() {
        return config;
    }

    public List<PoolSnapshot.BoundService> bindings() {
        return bindings;
    }

    /** The persistence table, or null with {@code -persistenceType NONE}. */
    public Persistence persistence() {
        return persistence;
    }

    public long newClients() {
        return newClients.sum();
    }

    public long persistenceHits() {
        return persistenceHits.sum();
    }

    /** Clients whose persisted service was no longer UP and who were given another. */
    public long repicks() {
        return repicks.sum();
    }
}
