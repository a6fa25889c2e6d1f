package dsrlb.dataplane;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** Forwarder counters; written by the receive thread, read by anyone. */
public final class Counters {
    private final LongAdder[] drops = new LongAdder[DropReason.values().length];
    final LongAdder received = new LongAdder();
    final LongAdder forwarded = new LongAdder();
    final LongAdder checksumsCompleted = new LongAdder();
    final LongAdder arpRepliesSent = new LongAdder();
    final LongAdder vipArpConflicts = new LongAdder();

    public Counters() {
        for (int i = 0; i < drops.length; i++) {
            drops[i] = new LongAdder();
        }
    }

    void drop(DropReason reason) {
        drops[reason.ordinal()].increment();
    }

    public long drops(DropReason reason) {
        return drops[reason.ordinal()].sum();
    }

    public Map<DropReason, Long> dropsByReason() {
        Map<DropReason, Long> m = new EnumMap<>(DropReason.class);
        for (DropReason r : DropReason.values()) {
            m.put(r, drops(r));
        }
        return m;
    }

    public long received() {
        return received.sum();
    }

    public long forwarded() {
        return forwarded.sum();
    }

    public long checksumsCompleted() {
        return checksumsCompleted.sum();
    }

    public long arpRepliesSent() {
        return arpRepliesSent.sum();
    }

    /** ARP from another MAC claiming a VIP: a backend with wrong arp_ignore/arp_announce. */
    public long vipArpConflicts() {
        return vipArpConflicts.sum();
    }
}
