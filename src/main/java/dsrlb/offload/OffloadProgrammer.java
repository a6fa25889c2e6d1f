package dsrlb.offload;

import dsrlb.balance.ForwardingState;
import dsrlb.dataplane.RealtimePriority;
import dsrlb.net.IpAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control half of the offload engine: learns each forwarding decision from the receive
 * thread, writes it into the kernel's map ({@link MapWriter}), takes clients out again when
 * their service stops taking them (DOWN, disabled, new MAC, a reload: {@link ReloadReconciler}),
 * puts a table removed from outside back ({@link TableWatchdog}), and reads the maps back so
 * dsrlb knows which clients the kernel is still serving ({@link KernelReadback}).
 *
 * <p>Everything but {@link #forwarded} runs on one writer thread, which owns the mirror of
 * what was installed; the receive thread only fills a lock-free ring.
 */
public final class OffloadProgrammer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(OffloadProgrammer.class);

    /** What dsrlb learns from reading the kernel's maps back. */
    public interface KernelActivity {
        /**
         * A client ({@link dsrlb.net.IpAddress}'s two longs) the kernel still forwards to
         * {@code serviceId} was last seen about {@code idleNanos} ago.
         */
        void clientActive(int vipIndex, long clientHigh, long clientLow, int serviceId, long idleNanos);
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

    /**
     * How long the receive thread holds back the same decision for the same client. Every
     * forwarded frame is a decision, thousands a second in a storm, nearly all of them the same
     * as the one before for that client (its element is in flight); offered each, they filled the
     * ring and kept the writer busy deduplicating them with cold code for the first second after
     * a start, long enough for a 256 KiB transfer to end in user space (Ipv6IT's storm).
     */
    static final long OFFER_AGAIN_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private static final int OFFERED_BITS = 12;

    /**
     * The most decisions the writer installs at real-time priority in one pass; a larger backlog
     * (a flood of new sources) is written at normal priority, where it cannot hold a CPU against
     * the kernel's own forwarding. A storm's batches are a few clients each.
     */
    static final int REALTIME_BATCH = 256;

    /**
     * The most clients whose read-back the writer does at real-time priority: listing and parsing
     * a map of this many takes a few milliseconds; a larger one is read at normal priority.
     */
    static final int REALTIME_READBACK = 1024;

    // The receive thread's memo of its last offer a slot (client hash): no allocation, no lock.
    private final int[] offeredVip = new int[1 << OFFERED_BITS];
    private final long[] offeredHigh = new long[1 << OFFERED_BITS];
    private final long[] offeredLow = new long[1 << OFFERED_BITS];
    private final int[] offeredService = new int[1 << OFFERED_BITS];
    private final int[] offeredEpoch = new int[1 << OFFERED_BITS];
    private final long[] offeredAt = new long[1 << OFFERED_BITS];
    /** Bumped by the writer when held-back decisions must be offered again ({@link #offerAgain}). */
    private final AtomicInteger offerEpoch = new AtomicInteger();

    private final long syncIntervalNanos;
    /** SCHED_FIFO priority of the writer thread, 0 for normal scheduling. */
    private final int realtimePriority;
    /** Whether the writer thread holds {@link #realtimePriority} (writer thread only). */
    private boolean realtime;
    /** While long work runs at normal priority: long work within it stays there (writer thread only). */
    private boolean demoted;

    private final DecisionRing ring = new DecisionRing(8192);
    private final KernelTable table;
    private final OffloadCounters counters = new OffloadCounters();
    private final MapWriter mapWriter;
    private final ReloadReconciler reloads;
    private final TableWatchdog watchdog;
    private final KernelReadback readback;
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

    private long nextTableCheck;

    /**
     * @param realtimePriority SCHED_FIFO priority for the writer (as the receive thread's
     *     --realtime-priority), 0 for none
     */
    public OffloadProgrammer(
            Nftables nft,
            OffloadRuleset ruleset,
            ForwardingState initial,
            KernelActivity activity,
            long syncIntervalNanos,
            int realtimePriority) {
        this.syncIntervalNanos = syncIntervalNanos;
        this.realtimePriority = realtimePriority;
        this.table = new KernelTable(nft, ruleset, initial.vipCount());
        this.mapWriter = new MapWriter(table, counters);
        this.reloads = new ReloadReconciler(table, mapWriter, counters);
        this.watchdog = new TableWatchdog(table, counters);
        this.readback = new KernelReadback(table, counters, activity);
        this.state = initial;
        this.mirrorState = initial;
        this.writer = new Thread(this::runWriter, "dsrlb-offload");
        this.writer.setDaemon(true);
    }

    /** Call before {@link #start}. */
    public void watchKernelPath(KernelPathWatcher w) {
        watchdog.watch(w);
    }

    public void start() {
        writer.start();
    }

    /** Receive thread: a frame of the IPv4 {@code clientIp} went to {@code serviceId}. */
    public void forwarded(int vipIndex, int clientIp, int serviceId) {
        forwarded(vipIndex, 0, IpAddress.mappedLow(clientIp), serviceId);
    }

    /** Receive thread: a frame of the client {@code (high, low)} ({@link IpAddress}) went to {@code serviceId}. */
    public void forwarded(int vipIndex, long clientHigh, long clientLow, int serviceId) {
        if (!table.offloaded(vipIndex)) {
            return;
        }
        int slot = offeredSlot(vipIndex, clientHigh, clientLow);
        long now = System.nanoTime();
        int epoch = offerEpoch.get();
        if (offeredLow[slot] == clientLow
                && offeredHigh[slot] == clientHigh
                && offeredVip[slot] == vipIndex
                && offeredService[slot] == serviceId
                && offeredEpoch[slot] == epoch
                && now - offeredAt[slot] < OFFER_AGAIN_NANOS) {
            // Offered a moment ago and the writer has not said since that it needs it again.
            return;
        }
        if (ring.offer(vipIndex, clientHigh, clientLow, serviceId)) {
            offeredVip[slot] = vipIndex;
            offeredHigh[slot] = clientHigh;
            offeredLow[slot] = clientLow;
            offeredService[slot] = serviceId;
            offeredEpoch[slot] = epoch;
            offeredAt[slot] = now;
            LockSupport.unpark(writer);
        }
    }

    private static int offeredSlot(int vip, long high, long low) {
        long h = (high ^ low ^ (low >>> 29)) * 0x9E3779B97F4A7C15L + vip;
        return (int) (h >>> (64 - OFFERED_BITS));
    }

    /**
     * Writer thread: decisions held back by the receive thread's memo are offered again from
     * the next packet on (a state change, a reset, a refusal, the table's check or read-back).
     */
    private void offerAgain() {
        offerEpoch.incrementAndGet();
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
        // A client's packets reach user space until its element lands. At normal priority on a
        // box busy with a boot storm (hundreds of runnable tftpd and client tasks), the woken
        // writer waited in the run queue: elements landed 40-100 ms after the decision (up to
        // 1.7 s), and a tenth of the storm's packets went through the receive thread meanwhile.
        // At the receive thread's priority it runs the moment it is woken. Dropping to normal
        // priority for each pass was tried: a pass that began with the table check (every 250 ms)
        // or the read-back was then preempted in the middle and the next storm's first decisions
        // waited behind it (landing max 1.9 s). So only what takes long runs at normal priority:
        // a reload, a role or service change, a restored table, a flood's backlog, a large
        // read-back.
        takeRealtimePriority();
        long nextSync = System.nanoTime() + syncIntervalNanos;
        while (running) {
            try {
                if (longPassDue()) {
                    atNormalPriority(this::runOnce);
                } else {
                    runOnce();
                }
                long now = System.nanoTime();
                if (now - nextSync >= 0 && !watchdog.missing()) {
                    if (table.mirror.size() > REALTIME_READBACK) {
                        atNormalPriority(this::sync);
                    } else {
                        sync();
                    }
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
                counters.failed("offload writer: " + e);
            }
        }
    }

    /** Whether the next {@link #runOnce} has more to do than install a storm's few new clients. */
    private boolean longPassDue() {
        return resetRequested || activeChanged || stateChanged || ring.size() > REALTIME_BATCH;
    }

    /** The writer thread takes {@link #realtimePriority} where permitted (tests call it on a thread of theirs). */
    void takeRealtimePriority() {
        realtime = RealtimePriority.applyToCurrentThread(realtimePriority);
    }

    /**
     * Runs long work of the writer thread without its real-time priority. Long work inside long
     * work (a table put back during a reload's pass) runs as it is: taking the priority back
     * there would leave the rest of the outer work at real-time priority.
     */
    void atNormalPriority(Runnable work) {
        if (!realtime || demoted) {
            work.run();
            return;
        }
        demoted = true;
        try {
            realtime = RealtimePriority.runNormally(realtimePriority, work);
        } finally {
            demoted = false;
        }
    }

    /** One pass of the writer: a reset, then withdrawals, then new decisions (tests call it directly). */
    void runOnce() {
        long now = System.nanoTime();
        if (now - nextTableCheck >= 0) {
            nextTableCheck = now + TableWatchdog.TABLE_CHECK_NANOS;
            checkTable();
            offerAgain();
        }
        if (watchdog.missing()) {
            // Decisions made meanwhile are offered again by the clients' next packets.
            ring.drain((vip, high, low, serviceId) -> {});
            offerAgain();
            return;
        }
        if (resetRequested) {
            resetRequested = false;
            ForwardingState s = state;
            ForwardingState old = mirrorState;
            mirrorState = s;
            reloads.regenerate(s, old, resetRules);
            offerAgain();
        }
        if (activeChanged) {
            activeChanged = false;
            offerAgain();
            if (!active) {
                log.info("offload: HA standby: taking {} clients out of the kernel", table.mirror.size());
                mapWriter.withdrawAll();
            }
        }
        if (stateChanged) {
            stateChanged = false;
            mapWriter.withdrawIneligible(state);
            offerAgain();
        }
        if (!ring.isEmpty()) {
            if (active) {
                long refused = counters.mapFull.get() + counters.failures.get();
                mapWriter.installOffered(state, ring);
                if (counters.mapFull.get() + counters.failures.get() != refused) {
                    offerAgain();
                }
            } else {
                ring.drain((vip, high, low, serviceId) -> {});
                offerAgain();
            }
        }
    }

    /** Whether our table is still in the kernel, putting it back if not. */
    void checkTable() {
        watchdog.check(state, resetRequested, this::atNormalPriority);
    }

    /** Reads the kernel's maps and counters back. */
    void sync() {
        readback.sync(state);
        // A client the kernel forgot left the mirror: its next packet must reach the writer.
        offerAgain();
    }

    /** Clients in the kernel's maps at the last read. */
    public long kernelEntries() {
        return counters.kernelEntries.get();
    }

    /** Packets and bytes the kernel forwarded without dsrlb (nft counters, at the last read). */
    public long offloadedPackets() {
        return counters.offloadedPackets.get();
    }

    public long offloadedBytes() {
        return counters.offloadedBytes.get();
    }

    public long installs() {
        return counters.installs.get();
    }

    public long removals() {
        return counters.removals.get();
    }

    public long failures() {
        return counters.failures.get();
    }

    /**
     * How long a batch's oldest decision waited from the receive thread's offer until its
     * element was in the kernel, in nanoseconds: {batches, mean, max}. Until then that client's
     * frames cross user space.
     */
    public long[] landing() {
        return counters.landing();
    }

    /** Times the table was found removed from outside and put back (or is being put back). */
    public long tableRestores() {
        return counters.tableRestores.get();
    }

    /** Decisions not written because the VIP's map was full: those clients stay in user space. */
    public long mapFull() {
        return counters.mapFull.get();
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
        if (!writer.isAlive() && writer.getState() != Thread.State.NEW && !watchdog.missing()) {
            sync();
        }
    }
}
