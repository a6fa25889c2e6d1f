package dsrlb.dataplane;

import dsrlb.net.IpAddress;
import dsrlb.net.MacAddress;
import java.time.Instant;
import java.util.EnumMap;
import java.util.concurrent.atomic.LongAdder;

/** Forwarder counters; written by the receive thread, read by anyone. */
public final class Counters {
    private final EnumMap<DropReason, LongAdder> drops = new EnumMap<>(DropReason.class);
    final LongAdder received = new LongAdder();
    final LongAdder forwarded = new LongAdder();
    final LongAdder checksumsCompleted = new LongAdder();
    final LongAdder arpRepliesSent = new LongAdder();
    final LongAdder vipArpConflicts = new LongAdder();
    // The claim object changes only when another VIP or MAC claims; its time on every claim,
    // so a host that keeps claiming costs no allocation on the receive thread.
    private volatile VipClaim lastVipClaim;
    private volatile long lastVipClaimMillis;

    public Counters() {
        for (DropReason r : DropReason.values()) {
            drops.put(r, new LongAdder());
        }
    }

    /** Counts an ARP packet from {@code frame[macOffset..]}'s MAC that claims the IPv4 {@code vip}. */
    void vipArpConflict(int vip, byte[] frame, int macOffset) {
        vipArpConflict(0, IpAddress.mappedLow(vip), frame, macOffset);
    }

    /**
     * Counts an ARP packet or a Neighbor Advertisement from {@code frame[macOffset..]}'s MAC that
     * claims the VIP {@code (high, low)} ({@link IpAddress}'s words).
     */
    void vipArpConflict(long high, long low, byte[] frame, int macOffset) {
        vipArpConflicts.increment();
        VipClaim last = lastVipClaim;
        if (last == null || last.vip.high() != high || last.vip.low() != low || !last.mac.matches(frame, macOffset)) {
            lastVipClaim = new VipClaim(new IpAddress(high, low), MacAddress.read(frame, macOffset));
        }
        lastVipClaimMillis = System.currentTimeMillis();
    }

    void drop(DropReason reason) {
        drops.get(reason).increment();
    }

    public long drops(DropReason reason) {
        return drops.get(reason).sum();
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

    /** The most recent VIP claim by another MAC, or null when there was none. */
    public VipArpConflict lastVipArpConflict() {
        VipClaim c = lastVipClaim;
        return c == null ? null : new VipArpConflict(c.vip, c.mac, Instant.ofEpochMilli(lastVipClaimMillis));
    }

    /**
     * A MAC other than ours that claimed a VIP by ARP.
     *
     * @param lastSeen the latest claim (by this or, in a race, an earlier claimer)
     */
    public record VipArpConflict(IpAddress vip, MacAddress mac, Instant lastSeen) {}

    private record VipClaim(IpAddress vip, MacAddress mac) {}
}
