package dsrlb.balance;

import com.github.benmanes.caffeine.cache.Ticker;
import dsrlb.config.Binding;
import dsrlb.config.DsrConfig;
import dsrlb.config.ServiceConfig;
import dsrlb.config.ServiceState;
import dsrlb.config.VipConfig;
import dsrlb.config.VserverConfig;
import dsrlb.net.IpAddress;
import dsrlb.net.MacAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control plane's model of services and vservers. Every change (a MAC learned or lost, a
 * health verdict, an operator's enable/disable) goes through here, is logged once with its
 * reason, and results in a new {@link ForwardingState} handed to the forwarder.
 *
 * <p>With a {@link RebuildPacer}, a learned MAC (the one change a frame can cause: an ARP reply
 * on the receive thread) only waits in {@link #learnedMacs} and the pacer's thread applies it,
 * with every other MAC learned meanwhile, in one rebuild at most once per interval. Changes
 * that take clients away (MAC lost, health not UP, disable, drain) and operators' changes are
 * built at once on the caller's thread, as without a pacer, and carry a waiting MAC along.
 */
public final class LoadBalancer {
    private static final Logger log = LoggerFactory.getLogger(LoadBalancer.class);

    private final DsrConfig config;
    private final List<ServiceConfig> serviceConfigs;
    private final Map<String, Integer> serviceIds = new LinkedHashMap<>();
    private final List<Vserver> vservers = new ArrayList<>();
    private final int maglevSize;
    private final List<Consumer<ForwardingState>> subscribers = new CopyOnWriteArrayList<>();

    // Guarded by this.
    private final MacAddress[] macs;
    private final boolean[] adminEnabled;
    private final boolean[] draining;
    private final long[] drainDeadline;
    private final ServiceStatus[] health;
    private final String[] healthReason;
    private ServiceView[] published = new ServiceView[0];
    private ForwardingState state;

    private final LongAdder[] forwardedPackets;
    private final LongAdder[] forwardedBytes;
    /** System.nanoTime() of each service's last forwarded packet, 0 for never: tells when a drain is over. */
    private final AtomicLongArray lastForwarded;

    private final MacConflicts macConflicts;

    /** Null: every change is built at once on the caller's thread. */
    private final RebuildPacer pacer;
    /** MACs learned but not yet in a state (with a pacer); written without the lock. */
    private final AtomicReferenceArray<MacAddress> learnedMacs;

    private final LongAdder rebuilds = new LongAdder();

    /**
     * Builds the first state at once, and every later one at once on the caller's thread (tests,
     * tools); {@link #subscribe} to receive it and every later one.
     */
    public LoadBalancer(DsrConfig config, Ticker ticker, int maglevSize) {
        this(config, ticker, maglevSize, null);
    }

    /**
     * With {@code pacer}, learned MACs are built into the state on the pacer's thread, at most once
     * per its interval (the daemon's balancers); null builds every change at once.
     */
    public LoadBalancer(DsrConfig config, Ticker ticker, int maglevSize, RebuildPacer pacer) {
        this.config = config;
        this.pacer = pacer;
        this.serviceConfigs = List.copyOf(config.services().values());
        this.maglevSize = maglevSize;
        int n = serviceConfigs.size();
        macs = new MacAddress[n];
        adminEnabled = new boolean[n];
        draining = new boolean[n];
        drainDeadline = new long[n];
        lastForwarded = new AtomicLongArray(n);
        health = new ServiceStatus[n];
        healthReason = new String[n];
        forwardedPackets = new LongAdder[n];
        forwardedBytes = new LongAdder[n];
        macConflicts = new MacConflicts(n);
        learnedMacs = new AtomicReferenceArray<>(n);
        for (int i = 0; i < n; i++) {
            ServiceConfig s = serviceConfigs.get(i);
            serviceIds.put(s.name(), i);
            adminEnabled[i] = s.state() == ServiceState.ENABLED;
            // Without a monitor, reachability is the check: a service is UP while ARP answers
            // (publish() turns a missing MAC into DOWN).
            health[i] = ServiceStatus.UP;
            healthReason[i] = "ARP reachable, no monitor bound";
            forwardedPackets[i] = new LongAdder();
            forwardedBytes[i] = new LongAdder();
        }
        for (VserverConfig v : config.vservers().values()) {
            List<PoolSnapshot.BoundService> bound = new ArrayList<>();
            for (Binding b : v.bindings()) {
                bound.add(new PoolSnapshot.BoundService(serviceIds.get(b.service()), b.service(), b.weight()));
            }
            vservers.add(new Vserver(v, bound, ticker, n));
        }
        synchronized (this) {
            publish();
        }
    }

    public DsrConfig config() {
        return config;
    }

    public List<Vserver> vservers() {
        return List.copyOf(vservers);
    }

    public List<ServiceConfig> services() {
        return serviceConfigs;
    }

    /** Id of a service by name, or -1. */
    public int serviceId(String name) {
        return serviceIds.getOrDefault(name, -1);
    }

    public synchronized ForwardingState state() {
        return state;
    }

    /**
     * Hands {@code subscriber} the current state now and each new one as it is built, in order,
     * under this balancer's lock (a subscriber must not call back into it from another thread).
     */
    public synchronized void subscribe(Consumer<ForwardingState> subscriber) {
        subscribers.add(subscriber);
        subscriber.accept(state);
    }

    /**
     * The backend MAC of a service, learned by ARP; null forgets it. With a pacer a MAC is only
     * noted here (no lock, no rebuild on the caller's thread) and built in by the pacer's next
     * run; forgetting one is built at once, so a silent backend's clients leave at once.
     */
    public void setMac(int id, MacAddress mac) {
        if (mac != null && pacer != null) {
            learnedMacs.set(id, mac);
            pacer.request(this::flush);
            return;
        }
        synchronized (this) {
            learnedMacs.set(id, null);
            if (applyMac(id, mac)) {
                publish();
            }
        }
    }

    /** Builds the MACs learned since the last state into a new one now, if there are any. */
    public synchronized void flush() {
        boolean changed = false;
        for (int id = 0; id < macs.length; id++) {
            MacAddress mac = learnedMacs.getAndSet(id, null);
            if (mac != null) {
                changed |= applyMac(id, mac);
            }
        }
        if (changed) {
            publish();
        }
    }

    /** Forwarding-state rebuilds since start (carried over reloads): what a frame flood must not drive up. */
    public long rebuilds() {
        return rebuilds.sum();
    }

    /** After a reload: the rebuilds of the previous generations. */
    public void carryRebuilds(long count) {
        rebuilds.add(count);
    }

    /** Records a MAC and logs the change; false if it is the one already known. Under the lock. */
    private boolean applyMac(int id, MacAddress mac) {
        MacAddress old = macs[id];
        if (mac == null ? old == null : mac.equals(old)) {
            return false;
        }
        macs[id] = mac;
        String name = serviceConfigs.get(id).name();
        if (mac == null) {
            log.warn(
                    "service {} ({}): MAC {} lost: {}",
                    name,
                    serviceConfigs.get(id).address(),
                    old,
                    noReply(serviceConfigs.get(id).address()));
        } else if (old == null) {
            log.info("service {} ({}): MAC {}", name, serviceConfigs.get(id).address(), mac);
        } else {
            log.warn(
                    "service {} ({}): MAC changed {} -> {}",
                    name,
                    serviceConfigs.get(id).address(),
                    old,
                    mac);
        }
        return true;
    }

    /** Why a backend has no MAC: it never answered (or stopped answering) ARP or Neighbor Discovery. */
    public static String noReply(IpAddress backend) {
        return backend.isIpv4() ? "no ARP reply" : "no Neighbor Discovery reply";
    }

    /** A health verdict; reachability-only services follow their ARP state. */
    public synchronized void setHealth(int id, ServiceStatus status, String reason) {
        if (health[id] == status && reason.equals(healthReason[id])) {
            return;
        }
        health[id] = status;
        healthReason[id] = reason;
        publish();
    }

    /** Enables, or disables at once (its clients are re-picked at their next packet). */
    public synchronized void setAdminEnabled(int id, boolean enabled) {
        if (adminEnabled[id] == enabled && !draining[id]) {
            return;
        }
        adminEnabled[id] = enabled;
        draining[id] = false;
        publish();
    }

    /**
     * Disables gracefully: no new clients from now on, its persisted clients stay until they
     * have all been idle for a while (see {@link #finishDrains}) or {@code delay} has passed
     * (zero: no limit); then OUT OF SERVICE.
     */
    public synchronized void disableGracefully(int id, Duration delay, long nowNanos) {
        if (!adminEnabled[id] || draining[id]) {
            return;
        }
        draining[id] = true;
        drainDeadline[id] = delay.isZero() ? Long.MAX_VALUE : nowNanos + delay.toNanos();
        publish();
    }

    /** Ends the drains whose services forwarded nothing for {@code idleNanos}, or whose delay is up. */
    public synchronized void finishDrains(long nowNanos, long idleNanos) {
        for (int id = 0; id < draining.length; id++) {
            long last = lastForwarded.get(id);
            if (draining[id] && (last == 0 || nowNanos - last >= idleNanos || nowNanos - drainDeadline[id] >= 0)) {
                log.info(
                        "service {}: drained ({})",
                        serviceConfigs.get(id).name(),
                        nowNanos - drainDeadline[id] >= 0 ? "delay over" : "its clients are idle");
                draining[id] = false;
                adminEnabled[id] = false;
                publish();
            }
        }
    }

    public void countForwarded(int id, int bytes) {
        if (id >= forwardedPackets.length) {
            // A frame decided with the state of the config before a reload: not ours to count.
            return;
        }
        forwardedPackets[id].increment();
        forwardedBytes[id].add(bytes);
        lastForwarded.lazySet(id, System.nanoTime());
    }

    /**
     * Something forwarded for service {@code id} at {@code nanos} (System.nanoTime) without
     * passing {@link #countForwarded}: the kernel, under the offload engine. Keeps a draining
     * service from looking idle.
     */
    public void noteActivity(int id, long nanos) {
        lastForwarded.accumulateAndGet(id, nanos, Math::max);
    }

    /** After a reload: the counts the same service had in the previous generation. */
    public void carryCounters(int id, long packets, long bytes) {
        forwardedPackets[id].add(packets);
        forwardedBytes[id].add(bytes);
    }

    /** Other MACs that answered ARP for a backend's address while its own still answered. */
    public MacConflicts macConflicts() {
        return macConflicts;
    }

    public long forwardedPackets(int id) {
        return forwardedPackets[id].sum();
    }

    public long forwardedBytes(int id) {
        return forwardedBytes[id].sum();
    }

    /**
     * Builds and hands out a new state from the inputs of now, MACs still waiting for the pacer
     * included (they are newer than the state). Under the lock.
     */
    private void publish() {
        for (int id = 0; id < macs.length; id++) {
            MacAddress learned = learnedMacs.getAndSet(id, null);
            if (learned != null) {
                applyMac(id, learned);
            }
        }
        rebuilds.increment();
        int n = serviceConfigs.size();
        ServiceView[] views = new ServiceView[n];
        for (int i = 0; i < n; i++) {
            ServiceConfig s = serviceConfigs.get(i);
            ServiceStatus status;
            String reason;
            if (!adminEnabled[i]) {
                status = ServiceStatus.OUT_OF_SERVICE;
                reason = "disabled";
            } else if (macs[i] == null) {
                status = ServiceStatus.DOWN;
                reason = noReply(s.address());
            } else if (health[i] != ServiceStatus.UP) {
                status = health[i];
                reason = healthReason[i];
            } else if (draining[i]) {
                status = ServiceStatus.GOING_OUT_OF_SERVICE;
                reason = "disabled gracefully: no new clients, waiting for its clients to finish";
            } else {
                status = health[i];
                reason = healthReason[i];
            }
            views[i] = new ServiceView(i, s.name(), s.address(), macs[i], status, reason);
            ServiceView before = i < published.length ? published[i] : null;
            if (before == null || before.status() != status) {
                log.info(
                        "service {} {}:{} is {} ({})",
                        s.name(),
                        s.address(),
                        s.port() < 0 ? "*" : s.port(),
                        status.label(),
                        reason);
            }
        }
        published = views;

        List<VipConfig> vipConfigs = config.vips();
        IpAddress[] vips = vipConfigs.stream().map(VipConfig::address).toArray(IpAddress[]::new);
        ForwardingState.Route[][] routes = new ForwardingState.Route[vips.length][];
        for (int v = 0; v < vips.length; v++) {
            List<ForwardingState.Route> list = new ArrayList<>();
            for (Vserver vs : vservers) {
                VserverConfig c = vs.config();
                if (c.vip().equals(vips[v])) {
                    list.add(new ForwardingState.Route(
                            vs,
                            c.protocol().ipProtocol(),
                            c.port(),
                            PoolSnapshot.of(c.method(), vs.bindings(), views, maglevSize)));
                }
            }
            list.sort(
                    Comparator.comparingInt(ForwardingState.Route::specificity).reversed());
            routes[v] = list.toArray(ForwardingState.Route[]::new);
        }
        int[] tags = Arrays.stream(vips).mapToInt(config::tagOf).toArray();
        state = ForwardingState.of(vips, routes, views, tags);
        for (Consumer<ForwardingState> s : subscribers) {
            s.accept(state);
        }
    }

    /** Service views of the current state, for status output. */
    public synchronized List<ServiceView> serviceViews() {
        return Arrays.asList(published.clone());
    }
}
