package dsrlb.offload;

import com.fasterxml.jackson.core.JsonProcessingException;
import dsrlb.balance.ForwardingState;
import dsrlb.balance.PoolSnapshot;
import dsrlb.balance.ServiceView;
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
import java.util.function.Predicate;
import java.util.stream.Collectors;
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
public final class OffloadProgrammer implements AutoCloseable {
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

    /**
     * Told when the kernel path is gone (someone ran `nft flush ruleset`, a firewall replaced
     * the ruleset) and when it is back: meanwhile user space must forward every frame.
     */
    public interface KernelPathWatcher {
        KernelPathWatcher NONE = new KernelPathWatcher() {
            @Override
            public void lost() {}

            @Override
            public void restored() {}
        };

        void lost();

        void restored();
    }

    /** How often the writer asks whether the table is still there (a name listing, no elements). */
    static final long TABLE_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
    /** After the map refused an element for lack of room, new clients of that VIP stay in user space this long. */
    static final long MAP_FULL_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Nftables nft;
    private OffloadRuleset ruleset;
    private final KernelActivity activity;
    private final long syncIntervalNanos;
    private volatile boolean[] offloaded;
    private long[] timeoutNanos;
    private long[] mapFullUntil;
    private KernelPathWatcher watcher = KernelPathWatcher.NONE;
    private final DecisionRing ring = new DecisionRing(8192);
    private final Map<Long, Installed> mirror = new HashMap<>();
    private final AtomicLong installs = new AtomicLong();
    private final AtomicLong removals = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong kernelEntries = new AtomicLong();
    private final AtomicLong offloadedPackets = new AtomicLong();
    private final AtomicLong offloadedBytes = new AtomicLong();
    private final AtomicLong tableRestores = new AtomicLong();
    private final AtomicLong landedBatches = new AtomicLong();
    private final AtomicLong landedNanosTotal = new AtomicLong();
    private final AtomicLong landedNanosMax = new AtomicLong();
    private final AtomicLong mapFull = new AtomicLong();
    private final Thread writer;
    private volatile ForwardingState state;
    private volatile boolean stateChanged;
    private volatile boolean resetRequested;
    private volatile List<OffloadRuleset.VipRule> resetRules;
    private volatile boolean active = true;
    private volatile boolean activeChanged;
    private volatile boolean running = true;
    /** The state the mirror's service ids refer to (the one before a reload, until the reset ran). */
    private ForwardingState mirrorState;

    private boolean tableMissing;
    private long nextTableCheck;
    /** What earlier copies of the table counted: a table made again starts its counters at zero. */
    private long packetsBefore;

    private long bytesBefore;
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

    public OffloadProgrammer(
            Nftables nft,
            OffloadRuleset ruleset,
            ForwardingState initial,
            KernelActivity activity,
            long syncIntervalNanos) {
        this.nft = nft;
        this.ruleset = ruleset;
        this.activity = activity;
        this.syncIntervalNanos = syncIntervalNanos;
        useRules(ruleset, initial.vips().length);
        this.state = initial;
        this.mirrorState = initial;
        this.writer = new Thread(this::runWriter, "dsrlb-offload");
        this.writer.setDaemon(true);
    }

    private void useRules(OffloadRuleset rules, int vipCount) {
        boolean[] on = new boolean[vipCount];
        long[] timeouts = new long[vipCount];
        for (OffloadRuleset.VipRule v : rules.vips()) {
            on[v.index()] = v.offloaded();
            timeouts[v.index()] = TimeUnit.SECONDS.toNanos(v.timeoutSeconds());
        }
        this.ruleset = rules;
        this.timeoutNanos = timeouts;
        this.mapFullUntil = new long[vipCount];
        this.offloaded = on;
    }

    /** Call before {@link #start}. */
    public void watchKernelPath(KernelPathWatcher w) {
        this.watcher = w;
    }

    public void start() {
        writer.start();
    }

    /** Receive thread: a frame of {@code client} went to {@code serviceId}. */
    public void forwarded(int vipIndex, int clientIp, int serviceId) {
        boolean[] on = offloaded;
        if (vipIndex < on.length && on[vipIndex] && ring.offer(vipIndex, clientIp, serviceId)) {
            LockSupport.unpark(writer);
        }
    }

    /**
     * A reloaded config: service ids may now mean other services. A client whose service (by
     * name) is still bound to its VIP's vserver, keeps taking clients and has the same MAC stays
     * in the kernel under its new id; the others leave it. When a VIP's kernel settings changed
     * (a vserver's timeout or size), the table is built again and every client is learnt anew.
     *
     * @param rules the new config's VIP rules ({@link OffloadEngine#vipRules})
     */
    public void reset(ForwardingState newState, List<OffloadRuleset.VipRule> rules) {
        resetRules = List.copyOf(rules);
        state = newState;
        resetRequested = true;
        LockSupport.unpark(writer);
    }

    /** HA: a standby keeps nothing in the kernel, so a frame that still reaches it is not forwarded. */
    public void setActive(boolean nowActive) {
        if (active != nowActive) {
            active = nowActive;
            activeChanged = true;
            LockSupport.unpark(writer);
        }
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
                runOnce();
                long now = System.nanoTime();
                if (now - nextSync >= 0 && !tableMissing) {
                    sync();
                    nextSync = now + syncIntervalNanos;
                }
                if (ring.isEmpty() && !stateChanged) {
                    LockSupport.parkNanos(
                            this,
                            Math.max(
                                    1,
                                    Math.min(
                                            Math.min(nextSync, nextTableCheck) - System.nanoTime(),
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
        List<Write> writes = new ArrayList<>();
        Set<Long> seen = new HashSet<>();
        long[] firstOffer = {Long.MAX_VALUE};
        ring.drain((vip, client, serviceId, offeredNanos) -> {
            firstOffer[0] = Math.min(firstOffer[0], offeredNanos);
            long key = key(vip, client);
            if (!seen.add(key) || serviceId >= s.services().length) {
                return;
            }
            ServiceView service = s.services()[serviceId];
            if (!service.keepsPersistedClients()) {
                return;
            }
            if (now - mapFullUntil[vip] < 0 && !mirror.containsKey(key)) {
                // The forwarder keeps serving it from user space; it is tried again after the back-off.
                mapFull.incrementAndGet();
                return;
            }
            Installed had = mirror.get(key);
            if (had != null
                    && had.serviceId == serviceId
                    && had.mac.equals(service.mac())
                    && now - had.writtenNanos < REINSTALL_AFTER_NANOS) {
                return;
            }
            String cmd =
                    (had != null && !had.mac.equals(service.mac()) ? ruleset.removeElement(vip, client, had.mac) : "")
                            + ruleset.addElement(vip, client, service.mac());
            writes.add(new Write(cmd, () -> mirror.put(key, new Installed(serviceId, service.mac(), now)), message -> {
                if (isMapFull(message)) {
                    mapFull.incrementAndGet();
                    if (now - mapFullUntil[vip] >= 0) {
                        logError("offload: the kernel map of VIP #" + vip + " is full (the vserver's "
                                + "-persistenceMaxEntries); new clients stay in user space");
                    }
                    mapFullUntil[vip] = now + MAP_FULL_BACKOFF_NANOS;
                    return true;
                }
                return false;
            }));
        });
        long installed = installs.get();
        apply(writes, installs);
        if (installs.get() > installed && firstOffer[0] != Long.MAX_VALUE) {
            // The oldest decision of the batch waited longest: until here its client's frames crossed user space.
            long waited = System.nanoTime() - firstOffer[0];
            landedBatches.incrementAndGet();
            landedNanosTotal.addAndGet(waited);
            landedNanosMax.accumulateAndGet(waited, Math::max);
        }
    }

    /**
     * One element change and what follows from it.
     *
     * @param onRefused told nft's message when the kernel refused this write alone; true when
     *     it handled the refusal (not a failure)
     */
    private record Write(String command, Runnable onSuccess, Predicate<String> onRefused) {
        Write(String command, Runnable onSuccess) {
            this(command, onSuccess, message -> false);
        }
    }

    /** Takes out the clients of services that no longer keep them, or whose MAC changed. */
    void withdrawIneligible() {
        ForwardingState s = state;
        List<Write> writes = new ArrayList<>();
        for (Map.Entry<Long, Installed> e : mirror.entrySet()) {
            if (!stillHeld(s, e.getValue())) {
                writes.add(remove(e.getKey(), e.getValue()));
            }
        }
        if (!writes.isEmpty()) {
            log.info("offload: taking {} clients back from the kernel (service state changed)", writes.size());
        }
        apply(writes, removals);
    }

    void withdrawAll() {
        List<Write> writes = new ArrayList<>();
        for (Map.Entry<Long, Installed> e : mirror.entrySet()) {
            writes.add(remove(e.getKey(), e.getValue()));
        }
        apply(writes, removals);
    }

    private Write remove(long key, Installed in) {
        return new Write(ruleset.removeElement(vipOf(key), clientOf(key), in.mac), () -> mirror.remove(key));
    }

    /**
     * After a reload: keeps each client whose service, found by name, is still bound to its
     * VIP, takes clients and has the MAC the kernel has; rebuilds the table when a VIP's kernel
     * settings changed.
     */
    void regenerate(List<OffloadRuleset.VipRule> rules) {
        ForwardingState s = state;
        ForwardingState old = mirrorState;
        mirrorState = s;
        if (!rules.equals(ruleset.vips())) {
            useRules(ruleset.withVips(rules), s.vips().length);
            keepCounts();
            int had = mirror.size();
            mirror.clear();
            try {
                nft.run(ruleset.create());
                log.info(
                        "offload: a vserver's kernel settings changed: table {} rebuilt, its {} clients are "
                                + "learnt again from their next packet",
                        ruleset.table(),
                        had);
            } catch (Nftables.NftablesException e) {
                failures.incrementAndGet();
                logError("offload: rebuilding table " + ruleset.table() + " failed: " + e.getMessage());
            }
            return;
        }
        Map<String, Integer> idByName = new HashMap<>();
        for (ServiceView v : s.services()) {
            idByName.put(v.name(), v.id());
        }
        List<Write> writes = new ArrayList<>();
        int kept = 0;
        for (Map.Entry<Long, Installed> e : mirror.entrySet()) {
            Installed in = e.getValue();
            long key = e.getKey();
            String name = in.serviceId < old.services().length ? old.services()[in.serviceId].name() : null;
            Integer id = name == null ? null : idByName.get(name);
            Installed renamed = id == null ? null : new Installed(id, in.mac, in.writtenNanos);
            if (renamed != null && stillHeld(s, renamed) && bound(s, vipOf(key), id)) {
                e.setValue(renamed);
                kept++;
            } else {
                writes.add(remove(key, in));
            }
        }
        log.info("offload: reload keeps {} clients in the kernel, takes {} back", kept, writes.size());
        apply(writes, removals);
    }

    /** Whether the service a client was written for still takes its clients, at the MAC the kernel has. */
    private static boolean stillHeld(ForwardingState s, Installed in) {
        ServiceView now = in.serviceId < s.services().length ? s.services()[in.serviceId] : null;
        return now != null && now.keepsPersistedClients() && in.mac.equals(now.mac());
    }

    private static boolean bound(ForwardingState s, int vip, int serviceId) {
        if (vip >= s.routesByVip().length) {
            return false;
        }
        for (ForwardingState.Route r : s.routesByVip()[vip]) {
            for (PoolSnapshot.BoundService b : r.vserver().bindings()) {
                if (b.serviceId() == serviceId) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Whether our table is still in the kernel; if not, user space takes every frame (the
     * watcher) and the table is written again with every client dsrlb knows.
     */
    void checkTable() {
        boolean present;
        try {
            present = NftJson.tableNames(nft.run(OffloadRuleset.listTables())).contains(ruleset.table());
        } catch (Nftables.NftablesException | JsonProcessingException | RuntimeException e) {
            failures.incrementAndGet();
            logError("offload: cannot list the nftables tables: " + e.getMessage());
            return;
        }
        if (present && !tableMissing) {
            return;
        }
        if (!tableMissing) {
            tableMissing = true;
            keepCounts();
            tableRestores.incrementAndGet();
            log.warn(
                    "offload: table netdev {} was removed from outside dsrlb (nft flush ruleset? a firewall "
                            + "reload?); user space forwards every frame until it is back",
                    ruleset.table());
            watcher.lost();
        }
        ForwardingState s = state;
        if (resetRequested) {
            // A reload is pending: the mirror's service ids belong to the old config. Its clients
            // are learnt again from their next packet instead of being written under wrong ids.
            mirror.clear();
        }
        StringBuilder batch = new StringBuilder(ruleset.create());
        int clients = 0;
        for (Map.Entry<Long, Installed> e : mirror.entrySet()) {
            if (stillHeld(s, e.getValue())) {
                batch.append(ruleset.addElement(vipOf(e.getKey()), clientOf(e.getKey()), e.getValue().mac));
                clients++;
            }
        }
        try {
            nft.run(batch.toString());
        } catch (Nftables.NftablesException e) {
            failures.incrementAndGet();
            logError("offload: putting table " + ruleset.table() + " back failed (trying again): " + e.getMessage());
            return;
        }
        int restoredClients = clients;
        mirror.values().removeIf(in -> !stillHeld(s, in));
        tableMissing = false;
        watcher.restored();
        log.warn(
                "offload: table netdev {} is back with {} clients; the kernel forwards them again",
                ruleset.table(),
                restoredClients);
    }

    /**
     * The kernel refuses an element for a set at its `size` with ENFILE, which nft prints as
     * "Too many open files in system" (seen with Debian 12's nftables 1.0.6); ENOSPC is taken too.
     */
    static boolean isMapFull(String nftMessage) {
        return nftMessage.contains("Too many open files in system") || nftMessage.contains("No space left on device");
    }

    /** The table goes away (or is made again): the counts so far stay in the totals. */
    private void keepCounts() {
        packetsBefore = offloadedPackets.get();
        bytesBefore = offloadedBytes.get();
    }

    private void apply(List<Write> writes, AtomicLong counter) {
        if (writes.isEmpty()) {
            return;
        }
        try {
            nft.run(writes.stream().map(Write::command).collect(Collectors.joining()));
            writes.forEach(w -> w.onSuccess().run());
            counter.addAndGet(writes.size());
            return;
        } catch (Nftables.NftablesException e) {
            // One stale element refuses the whole transaction: retry each on its own.
        }
        for (Write w : writes) {
            try {
                nft.run(w.command());
                w.onSuccess().run();
                counter.incrementAndGet();
            } catch (Nftables.NftablesException e) {
                if (!w.onRefused().test(e.getMessage())) {
                    failures.incrementAndGet();
                    logError("offload: " + e.getMessage().lines().findFirst().orElse("") + " for: "
                            + w.command().strip().replace('\n', ';'));
                }
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
            } catch (Nftables.NftablesException | JsonProcessingException | RuntimeException e) {
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
        offloadedPackets.set(packetsBefore + packets);
        offloadedBytes.set(bytesBefore + bytes);
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

    /**
     * How long a batch's oldest decision waited from the receive thread's offer until its
     * element was in the kernel, in nanoseconds: {batches, mean, max}. Until then that client's
     * frames cross user space.
     */
    public long[] landing() {
        long n = landedBatches.get();
        return new long[] {n, n == 0 ? 0 : landedNanosTotal.get() / n, landedNanosMax.get()};
    }

    /** Times the table was found removed from outside and put back (or is being put back). */
    public long tableRestores() {
        return tableRestores.get();
    }

    /** Decisions not written because the VIP's map was full: those clients stay in user space. */
    public long mapFull() {
        return mapFull.get();
    }

    /** Decisions lost because the writer fell behind (the client's next packet offers it again). */
    public long ringDrops() {
        return ring.dropped();
    }

    /** Stops the writer, then reads the kernel's counters a last time so the stop line has them all. */
    @Override
    public void close() {
        running = false;
        LockSupport.unpark(writer);
        try {
            writer.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!writer.isAlive() && writer.getState() != Thread.State.NEW && !tableMissing) {
            sync();
        }
    }

    /** One pass of the writer: a reset, then withdrawals, then new decisions (tests call it directly). */
    void runOnce() {
        long now = System.nanoTime();
        if (now - nextTableCheck >= 0) {
            nextTableCheck = now + TABLE_CHECK_NANOS;
            checkTable();
        }
        if (tableMissing) {
            // Decisions made meanwhile are offered again by the clients' next packets.
            ring.drain((vip, client, serviceId) -> {});
            return;
        }
        if (resetRequested) {
            resetRequested = false;
            regenerate(resetRules);
        }
        if (activeChanged) {
            activeChanged = false;
            if (!active) {
                log.info("offload: HA standby: taking {} clients out of the kernel", mirror.size());
                withdrawAll();
            }
        }
        if (stateChanged) {
            stateChanged = false;
            withdrawIneligible();
        }
        if (!ring.isEmpty()) {
            if (active) {
                installOffered();
            } else {
                ring.drain((vip, client, serviceId) -> {});
            }
        }
    }
}
