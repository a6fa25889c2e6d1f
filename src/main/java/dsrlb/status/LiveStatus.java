package dsrlb.status;

import dsrlb.balance.LoadBalancer;
import dsrlb.balance.PoolSnapshot;
import dsrlb.balance.ServiceStatus;
import dsrlb.balance.ServiceView;
import dsrlb.balance.Vserver;
import dsrlb.config.ServiceConfig;
import dsrlb.config.VserverConfig;
import dsrlb.dataplane.Counters;
import dsrlb.dataplane.DropReason;
import dsrlb.health.HealthMonitor;
import dsrlb.health.HealthTracker;
import dsrlb.health.ProbeResult;
import dsrlb.net.IpAddress;
import dsrlb.net.Ipv4;
import dsrlb.transfer.TransferTracker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The running daemon's status, read from the load balancer, the forwarder's counters and the
 * health monitor. Called on the control channel's threads: it reads only what those classes
 * publish for other threads (snapshots, LongAdders, the concurrent persistence map), never
 * the receive thread's private state.
 */
public final class LiveStatus implements StatusSource {
    /** Enough for a page during a storm; the counts say how many there are in all. */
    private static final int IN_PROGRESS_LISTED = 100;

    private final LoadBalancer balancer;
    private final Supplier<Counters> counters;
    private final HealthMonitor health;
    private final Clock clock;
    private TransferTracker transfers;

    /** @param health null when no monitor runs */
    public LiveStatus(LoadBalancer balancer, Counters counters, HealthMonitor health, Clock clock) {
        this(balancer, () -> counters, health, clock);
    }

    /** With transfer tracking: active transfers per service, requests per file and client. */
    public LiveStatus withTransfers(TransferTracker tracker) {
        this.transfers = tracker;
        return this;
    }

    /** @param counters the forwarder's, which outlive a config reload */
    public LiveStatus(LoadBalancer balancer, Supplier<Counters> counters, HealthMonitor health, Clock clock) {
        this.balancer = balancer;
        this.counters = counters;
        this.health = health;
        this.clock = clock;
    }

    @Override
    public List<ServiceReport> services() {
        List<ServiceView> views = balancer.serviceViews();
        List<ServiceConfig> configs = balancer.services();
        long[] persisted = new long[configs.size()];
        List<List<ServiceReport.Binding>> bindings = new ArrayList<>();
        configs.forEach(c -> bindings.add(new ArrayList<>()));
        for (Vserver v : balancer.vservers()) {
            for (PoolSnapshot.BoundService b : v.bindings()) {
                bindings.get(b.serviceId())
                        .add(new ServiceReport.Binding(v.config().name(), b.weight()));
            }
            if (v.persistence() != null) {
                // Counted as clients come and go (Persistence): O(services), not O(clients), per page refresh.
                for (int id = 0; id < persisted.length; id++) {
                    persisted[id] += v.persistence().clients(id);
                }
            }
        }
        List<ServiceReport> out = new ArrayList<>();
        for (int id = 0; id < configs.size(); id++) {
            ServiceConfig c = configs.get(id);
            ServiceView view = views.get(id);
            out.add(new ServiceReport(
                    c.name(),
                    c.server(),
                    c.address().format(),
                    c.protocol().name(),
                    c.port(),
                    view.status().label(),
                    view.reason(),
                    view.mac() == null ? null : view.mac().toString(),
                    persisted[id],
                    transfers == null ? 0 : transfers.active(id),
                    balancer.forwardedPackets(id),
                    balancer.forwardedBytes(id),
                    bindings.get(id),
                    monitors(id),
                    balancer.macConflicts().count(id),
                    Objects.toString(balancer.macConflicts().last(id), null)));
        }
        return out;
    }

    private List<ServiceReport.Monitor> monitors(int serviceId) {
        if (health == null) {
            return List.of();
        }
        List<ServiceReport.Monitor> out = new ArrayList<>();
        for (Map.Entry<String, HealthTracker> e :
                health.trackersByMonitor(serviceId).entrySet()) {
            HealthTracker t = e.getValue();
            ProbeResult last = t.last();
            out.add(new ServiceReport.Monitor(
                    e.getKey(),
                    t.status().label(),
                    t.reason(),
                    last == null ? null : new ServiceReport.Probe(last.ok(), last.reason(), last.responseTime())));
        }
        return out;
    }

    @Override
    public List<VserverReport> vservers() {
        List<ServiceView> views = balancer.serviceViews();
        List<ServiceConfig> configs = balancer.services();
        List<VserverReport> out = new ArrayList<>();
        for (Vserver v : balancer.vservers()) {
            VserverConfig c = v.config();
            List<VserverReport.Bound> bound = new ArrayList<>();
            boolean up = false;
            for (PoolSnapshot.BoundService b : v.bindings()) {
                ServiceConfig s = configs.get(b.serviceId());
                ServiceStatus status = views.get(b.serviceId()).status();
                up |= status == ServiceStatus.UP;
                bound.add(new VserverReport.Bound(
                        s.name(), s.address().format(), s.protocol().name(), s.port(), b.weight(), status.label()));
            }
            out.add(new VserverReport(
                    c.name(),
                    c.protocol().name(),
                    c.vip().format(),
                    c.port(),
                    c.method().name(),
                    c.persistence().name(),
                    c.timeoutMinutes(),
                    c.persistenceMaxEntries(),
                    up ? ServiceStatus.UP.label() : ServiceStatus.DOWN.label(),
                    v.newClients(),
                    v.persistenceHits(),
                    v.repicks(),
                    v.persistence() == null ? 0 : v.persistence().size(),
                    v.persistence() == null ? 0 : v.persistence().evictions(),
                    bound));
        }
        return out;
    }

    @Override
    public GlobalReport global() {
        Counters counters = this.counters.get();
        Map<String, Long> drops = new LinkedHashMap<>();
        for (DropReason r : DropReason.values()) {
            drops.put(r.metricName(), counters.drops(r));
        }
        Counters.VipArpConflict c = counters.lastVipArpConflict();
        return new GlobalReport(
                clock.instant(),
                counters.received(),
                counters.forwarded(),
                counters.checksumsCompleted(),
                counters.arpRepliesSent(),
                counters.vipArpConflicts(),
                c == null
                        ? null
                        : new GlobalReport.VipArpConflict(
                                c.vip().format(), c.mac().toString(), c.lastSeen()),
                drops,
                null,
                transfers == null ? null : transferReport(),
                null,
                balancer.rebuilds());
    }

    private GlobalReport.Transfers transferReport() {
        List<GlobalReport.Count> files = new ArrayList<>();
        transfers.topFiles(10).forEach(e -> files.add(new GlobalReport.Count(e.getKey(), e.getValue())));
        List<GlobalReport.Count> clients = new ArrayList<>();
        transfers
                .topClients(10)
                .forEach(e -> clients.add(new GlobalReport.Count(e.getKey().format(), e.getValue())));
        long nanos = System.nanoTime();
        Instant now = clock.instant();
        List<ServiceConfig> configs = balancer.services();
        List<GlobalReport.Transfer> running = new ArrayList<>();
        transfers.inProgress(nanos, IN_PROGRESS_LISTED).forEach(t -> running.add(transfer(t, configs, now, nanos)));
        List<GlobalReport.Transfer> recent = new ArrayList<>();
        transfers.recent().forEach(t -> recent.add(transfer(t, configs, now, nanos)));
        return new GlobalReport.Transfers(
                transfers.started(), transfers.finished(), transfers.untracked(), files, clients, running, recent);
    }

    private static GlobalReport.Transfer transfer(
            TransferTracker.Transfer t, List<ServiceConfig> configs, Instant now, long nowNanos) {
        return new GlobalReport.Transfer(
                t.client().format(),
                t.serviceId() < configs.size() ? configs.get(t.serviceId()).name() : "#" + t.serviceId(),
                t.file(),
                now.minusNanos(nowNanos - t.startedNanos()),
                Duration.ofNanos(t.nanos()));
    }

    private record Ipv6Entry(IpAddress client, int vserver, int service) {}

    @Override
    public PersistenceReport persistence(String client, int limit) {
        // IPv4 clients packed as client(32) | vserver(16) | service(16), sign bit flipped, so a
        // primitive (signed) sort orders by unsigned address, then vserver: a table can hold a
        // million clients. IPv6 clients (objects, sorted by address after all IPv4 ones, as their
        // mapped form orders) are expected to be fewer.
        IpAddress only = client == null ? null : IpAddress.parse(client);
        List<Vserver> vservers = balancer.vservers();
        long[][] packed = {new long[64]};
        int[] n = {0};
        List<Ipv6Entry> ipv6 = new ArrayList<>();
        for (int vi = 0; vi < vservers.size(); vi++) {
            Vserver v = vservers.get(vi);
            if (v.persistence() == null) {
                continue;
            }
            int vserverIndex = vi;
            long vs = (long) vi << 16;
            v.persistence().forEach((high, low, id) -> {
                if (only != null && (only.high() != high || only.low() != low)) {
                    return;
                }
                if (!IpAddress.isIpv4(high, low)) {
                    ipv6.add(new Ipv6Entry(new IpAddress(high, low), vserverIndex, id));
                    return;
                }
                if (n[0] == packed[0].length) {
                    packed[0] = Arrays.copyOf(packed[0], packed[0].length * 2);
                }
                packed[0][n[0]++] = ((low & 0xffff_ffffL) << 32 | vs | id) ^ Long.MIN_VALUE;
            });
        }
        long[] entries = packed[0];
        Arrays.sort(entries, 0, n[0]);
        ipv6.sort(Comparator.comparing(Ipv6Entry::client).thenComparingInt(Ipv6Entry::vserver));
        List<ServiceConfig> configs = balancer.services();
        List<PersistenceReport.Entry> out = new ArrayList<>();
        int total = n[0] + ipv6.size();
        for (int i = 0; i < Math.min(n[0], limit); i++) {
            long e = entries[i] ^ Long.MIN_VALUE;
            out.add(new PersistenceReport.Entry(
                    Ipv4.format((int) (e >>> 32)),
                    vservers.get((int) (e >>> 16) & 0xffff).config().name(),
                    configs.get((int) e & 0xffff).name()));
        }
        for (int i = 0; i < ipv6.size() && out.size() < limit; i++) {
            Ipv6Entry e = ipv6.get(i);
            out.add(new PersistenceReport.Entry(
                    e.client().format(),
                    vservers.get(e.vserver()).config().name(),
                    configs.get(e.service()).name()));
        }
        return new PersistenceReport(client, total, total > limit, out);
    }
}
