package dsrlb.storm;

import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;

/**
 * Nearest-rank percentiles of a set of durations: the p-th percentile is the smallest value
 * that at least p % of the values are at or below, so it is always one of the values measured
 * (never interpolated): p50 of {1, 2, 3, 4} is 2, p99 of 64 values is the largest.
 */
public final class Percentiles {
    private final long[] sortedNanos;

    private Percentiles(long[] sortedNanos) {
        this.sortedNanos = sortedNanos;
    }

    public static Percentiles of(Collection<Duration> values) {
        long[] n = values.stream().mapToLong(Duration::toNanos).toArray();
        Arrays.sort(n);
        return new Percentiles(n);
    }

    /** From raw nanosecond samples (the array is not kept). */
    public static Percentiles ofNanos(long[] nanos) {
        long[] n = nanos.clone();
        Arrays.sort(n);
        return new Percentiles(n);
    }

    public int count() {
        return sortedNanos.length;
    }

    public boolean isEmpty() {
        return sortedNanos.length == 0;
    }

    /**
     * The value of rank ceil(p / 100 × n), counted from 1.
     *
     * @param p 0 < p ≤ 100
     * @throws IllegalStateException when there are no values
     */
    public Duration percentile(double p) {
        if (!(p > 0 && p <= 100)) {
            throw new IllegalArgumentException("percentile must be in (0, 100]: " + p);
        }
        if (isEmpty()) {
            throw new IllegalStateException("no values");
        }
        // The small epsilon keeps 0.9 × 10 = 9.000000000000002 at rank 9.
        int rank = (int) Math.ceil(p / 100.0 * sortedNanos.length - 1e-9);
        return Duration.ofNanos(sortedNanos[Math.max(1, rank) - 1]);
    }

    public Duration max() {
        if (isEmpty()) {
            throw new IllegalStateException("no values");
        }
        return Duration.ofNanos(sortedNanos[sortedNanos.length - 1]);
    }
}
