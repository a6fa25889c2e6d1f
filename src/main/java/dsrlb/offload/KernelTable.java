package dsrlb.offload;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The writer thread's view of dsrlb's nftables table: the ruleset in force, what it says per
 * VIP, and the mirror of the clients written into the maps. Only {@link #offloaded} is read by
 * another thread (the receive thread), hence the one volatile field.
 */
final class KernelTable {
    final Nftables nft;
    private OffloadRuleset ruleset;
    private volatile boolean[] offloaded;
    private long[] timeoutNanos;
    /** Per VIP: until when new clients are not offered to a map that refused one for lack of room. */
    private long[] mapFullUntil;
    /** VIP and client ({@link InstalledClient#key}) to what was written for them. */
    final Map<InstalledClient.Key, InstalledClient> mirror = new HashMap<>();

    KernelTable(Nftables nft, OffloadRuleset ruleset, int vipCount) {
        this.nft = nft;
        useRules(ruleset, vipCount);
    }

    void useRules(OffloadRuleset rules, int vipCount) {
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

    OffloadRuleset ruleset() {
        return ruleset;
    }

    /** Any thread: whether the kernel may carry this VIP's clients. */
    boolean offloaded(int vip) {
        boolean[] on = offloaded;
        return vip < on.length && on[vip];
    }

    int vipCount() {
        return offloaded.length;
    }

    long timeoutNanos(int vip) {
        return timeoutNanos[vip];
    }

    long mapFullUntil(int vip) {
        return mapFullUntil[vip];
    }

    void mapFullUntil(int vip, long nanos) {
        mapFullUntil[vip] = nanos;
    }
}
