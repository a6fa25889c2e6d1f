package dsrlb.balance;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Maglev consistent hashing (Eisenbud et al., NSDI 2016): a lookup table in which each backend
 * owns about 1/N of the slots, filled from per-backend permutations that depend only on the
 * backend's name. Two dsrlb nodes with the same config build the same table, so a client
 * lands on the same backend whichever node receives its packets, and removing one backend
 * moves only the clients that were on it (plus a small fraction).
 */
public final class Maglev {
    /** A prime well above 100 × the backends we expect, as the paper recommends. */
    public static final int DEFAULT_TABLE_SIZE = 65_537;

    /** The paper's rule: at least this many slots per backend keeps the shares within ~1 %. */
    public static final int SLOTS_PER_BACKEND = 100;

    private Maglev() {}

    /**
     * The table size for a pool of {@code backends}: the smallest prime that is at least
     * {@code minimum} and at least {@link #SLOTS_PER_BACKEND} × backends. Size it by the
     * backends bound, not the ones up, so the size (and every client's slot) stays put while
     * services come and go.
     */
    public static int tableSizeFor(int backends, int minimum) {
        long want = Math.max(minimum, (long) SLOTS_PER_BACKEND * backends);
        if (want > Integer.MAX_VALUE / 2) {
            throw new IllegalArgumentException("too many backends for a Maglev table: " + backends);
        }
        int candidate = (int) Math.max(2, want);
        while (!isPrime(candidate)) {
            candidate++;
        }
        return candidate;
    }

    static boolean isPrime(int n) {
        if (n < 2) {
            return false;
        }
        if (n % 2 == 0) {
            return n == 2;
        }
        for (int d = 3; (long) d * d <= n; d += 2) {
            if (n % d == 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * Builds a Maglev lookup table of {@code tableSize} slots, each backend holding a share of
     * slots proportional to its weight.
     *
     * @param names backend names, the key of their permutations
     * @param weights relative weights (≥ 1), same order as names
     * @return a table whose entries are indices into {@code names}; empty when names is empty
     */
    public static int[] build(List<String> names, int[] weights, int tableSize) {
        int n = names.size();
        int[] table = new int[n == 0 ? 0 : tableSize];
        if (n == 0) {
            return table;
        }
        long[] offset = new long[n];
        long[] skip = new long[n];
        for (int i = 0; i < n; i++) {
            byte[] key = names.get(i).getBytes(StandardCharsets.UTF_8);
            offset[i] = Long.remainderUnsigned(hash64(key, 0x9e3779b97f4a7c15L), tableSize);
            skip[i] = Long.remainderUnsigned(hash64(key, 0xc2b2ae3d27d4eb4fL), tableSize - 1) + 1;
        }
        Arrays.fill(table, -1);
        long[] next = new long[n];
        int maxWeight = Arrays.stream(weights).max().orElse(1);
        int filled = 0;
        // Weighted Maglev: the heaviest backend takes a turn every round, one of weight w
        // in w of every maxWeight rounds.
        for (long round = 1; filled < tableSize; round++) {
            for (int i = 0; i < n && filled < tableSize; i++) {
                if ((long) weights[i] * round / maxWeight == (long) weights[i] * (round - 1) / maxWeight) {
                    continue;
                }
                long c = (offset[i] + next[i] * skip[i]) % tableSize;
                while (table[(int) c] >= 0) {
                    next[i]++;
                    c = (offset[i] + next[i] * skip[i]) % tableSize;
                }
                table[(int) c] = i;
                next[i]++;
                filled++;
            }
        }
        return table;
    }

    /** The slot of an IPv4 client address; a fixed mix, so every node computes the same slot. */
    public static int slot(int clientIp, int tableSize) {
        return (int) Long.remainderUnsigned(mix64(clientIp & 0xffffffffL), tableSize);
    }

    /**
     * The slot of a client address in {@link dsrlb.net.IpAddress}'s two words. An IPv4 client
     * (mapped) gets the slot {@link #slot(int, int)} gives it, so IPv4 picks do not depend on
     * the family-neutral form; an IPv6 client's slot mixes all 128 bits.
     */
    public static int slot(long high, long low, int tableSize) {
        if (dsrlb.net.IpAddress.isIpv4(high, low)) {
            return slot((int) low, tableSize);
        }
        return (int) Long.remainderUnsigned(mix64(high ^ mix64(low)), tableSize);
    }

    static long hash64(byte[] data, long seed) {
        long h = seed ^ (data.length * 0xff51afd7ed558ccdL);
        for (byte b : data) {
            h = mix64(h ^ (b & 0xff));
        }
        return mix64(h);
    }

    /** The finalizer of SplitMix64: a fixed, well-spread 64-bit mix. */
    static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
