package dsrlb.offload;

import dsrlb.admin.JsonParser;
import dsrlb.balance.ForwardingState;
import dsrlb.balance.ServiceView;
import dsrlb.dataplane.ClientOffload;
import dsrlb.net.Ipv4;
import dsrlb.net.MacAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control half of the offload engine: learns each forwarding decision from the receive
 * thread, writes it into the kernel's map, takes clients out again when their service stops
 * taking them (DOWN, disabled, new MAC), and reads the maps back so dsrlb knows which clients
 * the kernel is still serving (persistence, draining, status).
 *
 * <p>Everything but {@link #forwarded} runs on one writer thread, which owns the mirror of
 * what was installed; the receive thread only fills a lock-free ring.
 */
public final class OffloadProgrammer implements ClientOffload, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(OffloadProgrammer.class);
    /** A client offered again this soon after its element was written is assumed in flight. */
    private static final long REINSTALL_AFTER_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    private static final long ERROR_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    /** What dsrlb learns from reading the kernel's maps back. */
    public interface KernelActivity {
        /**
         * A client the kernel still forwards to {@code serviceId} was last seen about
         * {@code idleNanos} ago.
         */
        void clientActive(int vipIndex, int client, int serviceId, long idleNanos);
    }

    private final Nftables nft;
    private final OffloadRuleset ruleset;
    private final KernelActivity activity;
    private final long syncIntervalNanos;
    private final boolean[] offloaded;
    private final long[] timeoutNanos;
    private final DecisionRing ring = new DecisionRing(8192);
    private final Map<Long, Installed> mirror = new HashMap<>();
    private final AtomicLong installs = new AtomicLong();
    private final AtomicLong removals = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong kernelEntries = new AtomicLong();
    private final AtomicLong offloadedPackets = new AtomicLong();
    private final AtomicLong offloadedBytes = new AtomicLong();
    private final Thread writer;
    private volatile ForwardingState state;
    private volatile boolean stateChanged;
    private volatile boolean resetRequested;
    private volatile boolean running = true;
    private long lastErrorLog;

    private static final class Installed {
        final int serviceId;
        final MacAddress mac;
        long writtenNanos;

        Installed(int serviceId, MacAddress mac, long writtenNanos) {
            this.serviceId = serviceId;
            this.mac = mac;
            this.writtenNanos = writtenNanos;
        }
    }

    public OffloadProgrammer(Nftables nft, OffloadRuleset ruleset, ForwardingState initial, KernelActivity activity,
            long syncIntervalNanos) {
        this.nft = nft;
        this.ruleset = ruleset;
        this.activity = activity;
        this.syncIntervalNanos = syncIntervalNanos;
        int n = initial.vips().length;
        this.offloaded = new boolean[n];
        this.timeoutNanos = new long[n];
        for (OffloadRuleset.VipRule v : ruleset.vips()) {
            offloaded[v.index()] = v.offloaded();
            timeoutNanos[v.index()] = TimeUnit.SECONDS.toNanos(v.timeoutSeconds());
        }
        this.state = initial;
        this.writer = new Thread(this::runWriter, "dsrlb-offload");
        this.writer.setDaemon(true);
    }

    public void start() {
        writer.start();
    }

    /** Receive thread: a frame of {@code client} went to {@code serviceId}. */
    @Override
    public void forwarded(int vipIndex, int clientIp, int serviceId) {
        if (vipIndex < offloaded.length && offloaded[vipIndex] && ring.offer(vipIndex, clientIp, serviceId)) {
            LockSupport.unpark(writer);
        }
    }

    /**
     * A reloaded config: service ids now mean other services, so every client leaves the
     * kernel and is written again, with the new ids, when its next packet reaches dsrlb.
     */
    public void reset(ForwardingState newState) {
        state = newState;
        resetRequested = true;
        LockSupport.unpark(writer);
    }

    /** Control plane: a new snapshot (health, admin state, MACs). */
    public void publish(ForwardingState newState) {
        state = newState;
        stateChanged = true;
        LockSupport.unpark(writer);
    }

    private void runWriter() {
        long nextSync = System.nanoTime() + syncIntervalNanos;
        while (running) {
            try {
                if (resetRequested) {
                    resetRequested = false;
                    withdrawAll();
                }
                if (stateChanged) {
                    stateChanged = false;
                    withdrawIneligible();
                }
                if (!ring.isEmpty()) {
                    installOffered();
                }
                long now = System.nanoTime();
                if (now - nextSync >= 0) {
                    sync();
                    nextSync = now + syncIntervalNanos;
                }
                if (ring.isEmpty() && !stateChanged) {
                    LockSupport.parkNanos(this, Math.max(1, Math.min(nextSync - System.nanoTime(),
                            TimeUnit.MILLISECONDS.toNanos(100))));
                }
            } catch (RuntimeException e) {
                // The kernel keeps forwarding what it has; dsrlb forwards the rest itself.
                failures.incrementAndGet();
                logError("offload writer: " + e);
            }
        }
    }

    /** Writes the offered decisions in one transaction (or one by one when it is refused). */
    void installOffered() {
        ForwardingState s = state;
        long now = System.nanoTime();
        List<String> commands = new ArrayList<>();
        List<Runnable> onSuccess = new ArrayList<>();
        Set<Long> seen = new HashSet<>();
        ring.drain((vip, client, serviceId) -> {
            long key = key(vip, client);
            if (!seen.add(key) || serviceId >= s.services().length) {
                return;
            }
            ServiceView service = s.services()[serviceId];
            if (!service.keepsPersistedClients()) {
                return;
            }
            Installed had = mirror.get(key);
            if (had != null && had.serviceId == serviceId && had.mac.equals(service.mac())
                    && now - had.writtenNanos < REINSTALL_AFTER_NANOS) {
                return;
            }
            String cmd = (had != null && !had.mac.equals(service.mac()) ? ruleset.removeElement(vip, client, had.mac) : "")
                    + ruleset.addElement(vip, client, service.mac());
            commands.add(cmd);
            onSuccess.add(() -> mirror.put(key, new Installed(serviceId, service.mac(), now)));
        });
        apply(commands, onSuccess, installs);
    }

    /** Takes out the clients of services that no longer keep them, or whose MAC changed. */
    void withdrawIneligible() {
        ForwardingState s = state;
        List<String> commands = new ArrayList<>();
        List<Runnable> onSuccess = new ArrayList<>();
        for (Map.Entry<Long, Installed> e : mirror.entrySet()) {
            Installed in = e.getValue();
            ServiceView now = in.serviceId < s.services().length ? s.services()[in.serviceId] : null;
            if (now == null || !now.keepsPersistedClients() || !in.mac.equals(now.mac())) {
                long key = e.getKey();
                commands.add(ruleset.removeElement(vipOf(key), clientOf(key), in.mac));
                onSuccess.add(() -> mirror.remove(key));
            }
        }
        if (!commands.isEmpty()) {
            log.info("offload: taking {} clients back from the kernel (service state changed)", commands.size());
        }
        apply(commands, onSuccess, removals);
    }

    void withdrawAll() {
        List<String> commands = new ArrayList<>();
        List<Runnable> onSuccess = new ArrayList<>();
        for (Map.Entry<Long, Installed> e : mirror.entrySet()) {
            long key = e.getKey();
            commands.add(ruleset.removeElement(vipOf(key), clientOf(key), e.getValue().mac));
            onSuccess.add(() -> mirror.remove(key));
        }
        apply(commands, onSuccess, removals);
    }

    private void apply(List<String> commands, List<Runnable> onSuccess, AtomicLong counter) {
        if (commands.isEmpty()) {
            return;
        }
        try {
            nft.run(String.join("", commands));
            onSuccess.forEach(Runnable::run);
            counter.addAndGet(commands.size());
            return;
        } catch (Nftables.NftablesException e) {
            // One stale element refuses the whole transaction: retry each on its own.
        }
        for (int i = 0; i < commands.size(); i++) {
            try {
                nft.run(commands.get(i));
                onSuccess.get(i).run();
                counter.incrementAndGet();
            } catch (Nftables.NftablesException e) {
                failures.incrementAndGet();
                logError("offload: " + e.getMessage().lines().findFirst().orElse("") + " for: "
                        + commands.get(i).strip().replace('\n', ';'));
            }
        }
    }

    /**
     * Reads each map back: clients the kernel forgot leave the mirror; the others tell dsrlb
     * they are still active (the map's `update` re-arms an element's timeout on every packet,
     * so timeout minus expires is the client's idle time, to the second).
     */
    void sync() {
        ForwardingState s = state;
        Map<String, Integer> serviceByMac = new HashMap<>();
        for (ServiceView v : s.services()) {
            if (v.mac() != null) {
                serviceByMac.putIfAbsent(v.mac().toString(), v.id());
            }
        }
        long entries = 0;
        long packets = 0;
        long bytes = 0;
        Set<Long> present = new HashSet<>();
        for (int vip = 0; vip < offloaded.length; vip++) {
            if (!offloaded[vip]) {
                continue;
            }
            try {
                for (NftJson.Element el : NftJson.mapElements(nft.run(ruleset.listMap(vip)))) {
                    entries++;
                    long key = key(vip, el.client());
                    present.add(key);
                    Integer id = serviceByMac.get(el.mac());
                    if (id == null) {
                        continue;
                    }
                    long idle = timeoutNanos[vip] > 0 && el.expiresSeconds() >= 0
                            ? Math.max(0, timeoutNanos[vip] - TimeUnit.SECONDS.toNanos(el.expiresSeconds()))
                            : 0;
                    activity.clientActive(vip, el.client(), id, idle);
                }
                long[] counter = NftJson.counter(nft.run(ruleset.listCounter(vip)));
                packets += counter[0];
                bytes += counter[1];
            } catch (Nftables.NftablesException | JsonParser.JsonException | RuntimeException e) {
                failures.incrementAndGet();
                logError("offload: reading the kernel map of VIP " + vip + " failed: " + e.getMessage());
                return;
            }
        }
        long now = System.nanoTime();
        for (Iterator<Map.Entry<Long, Installed>> it = mirror.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Long, Installed> e = it.next();
            if (!present.contains(e.getKey()) && now - e.getValue().writtenNanos >= REINSTALL_AFTER_NANOS) {
                it.remove();
            }
        }
        kernelEntries.set(entries);
        offloadedPackets.set(packets);
        offloadedBytes.set(bytes);
    }

    private void logError(String message) {
        long now = System.nanoTime();
        if (now - lastErrorLog >= ERROR_LOG_INTERVAL_NANOS || lastErrorLog == 0) {
            lastErrorLog = now;
            log.warn("{}", message);
        }
    }

    static long key(int vip, int client) {
        return ((long) vip << 32) | (client & 0xffffffffL);
    }

    static int vipOf(long key) {
        return (int) (key >>> 32);
    }

    static int clientOf(long key) {
        return (int) key;
    }

    /** Clients in the kernel's maps at the last read. */
    public long kernelEntries() {
        return kernelEntries.get();
    }

    /** Packets and bytes the kernel forwarded without dsrlb (nft counters, at the last read). */
    public long offloadedPackets() {
        return offloadedPackets.get();
    }

    public long offloadedBytes() {
        return offloadedBytes.get();
    }

    public long installs() {
        return installs.get();
    }

    public long removals() {
        return removals.get();
    }

    public long failures() {
        return failures.get();
    }

    /** Decisions lost because the writer fell behind (the client's next packet offers it again). */
    public long ringDrops() {
        return ring.dropped();
    }

    @Override
    public void close() {
        running = false;
        LockSupport.unpark(writer);
        try {
            writer.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** For tests: one pass of the writer loop on the caller's thread. */
    void runOnce() {
        if (resetRequested) {
            resetRequested = false;
            withdrawAll();
        }
        if (stateChanged) {
            stateChanged = false;
            withdrawIneligible();
        }
        installOffered();
    }

}
