package dsrlb.admin;

import java.time.Instant;
import java.util.Map;

/**
 * The forwarder's counters for the whole interface, in {@code stat lb vserver}.
 *
 * @param time when the daemon took these numbers, so scripts can compute rates
 * @param lastVipArpConflict the last host other than dsrlb that answered ARP for a VIP, or null
 * @param drops dropped frames by reason (lower-case reason names, every reason, zeros included)
 */
public record GlobalReport(Instant time, long received, long forwarded, long checksumsCompleted,
        long arpRepliesSent, long vipArpConflicts, VipArpConflict lastVipArpConflict, Map<String, Long> drops,
        KernelPath kernelPath) {
    public GlobalReport {
        drops = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(drops));
    }

    /** Without the offload engine: dsrlb forwards every packet itself. */
    public GlobalReport(Instant time, long received, long forwarded, long checksumsCompleted, long arpRepliesSent,
            long vipArpConflicts, VipArpConflict lastVipArpConflict, Map<String, Long> drops) {
        this(time, received, forwarded, checksumsCompleted, arpRepliesSent, vipArpConflicts, lastVipArpConflict, drops,
                null);
    }

    /**
     * The offload engine's kernel side, as last read back (every --offload-sync).
     *
     * @param packets frames the kernel forwarded without dsrlb
     * @param clients clients in the kernel's maps
     * @param failures nft batches or elements refused
     */
    public record KernelPath(long packets, long bytes, long clients, long installs, long removals, long failures) {}

    /** A MAC other than dsrlb's claiming a VIP: a backend with arp_ignore/arp_announce wrong. */
    public record VipArpConflict(String vip, String mac, Instant lastSeen) {}
}
