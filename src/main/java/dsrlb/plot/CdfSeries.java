package dsrlb.plot;

import java.util.Arrays;
import java.util.Objects;

/**
 * One line of a CDF: the times at which members of a group were done, and how many members the
 * group had. Members that never finished (a failed client) are in {@code total} but have no
 * time, so the line ends below 1: "fraction of clients done" counts them as not done.
 *
 * @param name the legend's name of the line
 * @param seconds the finished members' times, in any order
 * @param total all members, finished or not; at least {@code seconds.length}
 */
public record CdfSeries(String name, double[] seconds, int total) {
    public CdfSeries {
        Objects.requireNonNull(name, "name");
        seconds = seconds.clone();
        for (double s : seconds) {
            if (!Double.isFinite(s) || s < 0) {
                throw new IllegalArgumentException(name + ": a time must be a finite number >= 0, not " + s);
            }
        }
        if (total < seconds.length) {
            throw new IllegalArgumentException(
                    name + ": " + seconds.length + " finished but only " + total + " in all");
        }
    }

    /** Every member finished (no failures). */
    public static CdfSeries of(String name, double... seconds) {
        return new CdfSeries(name, seconds, seconds.length);
    }

    @Override
    public double[] seconds() {
        return seconds.clone();
    }

    /** The finished times, ascending. */
    double[] sorted() {
        double[] s = seconds.clone();
        Arrays.sort(s);
        return s;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CdfSeries c && c.name.equals(name) && c.total == total && Arrays.equals(c.seconds, seconds);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, total, Arrays.hashCode(seconds));
    }

    @Override
    public String toString() {
        return "CdfSeries[" + name + ", " + seconds.length + " of " + total + " done]";
    }
}
