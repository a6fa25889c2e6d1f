package dsrlb.plot;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One line of a CDF: the times at which members of a group were done, and how many members the
 * group had. Members that never finished (a failed client) are in {@code total} but have no
 * time, so the line ends below 1: "fraction of clients done" counts them as not done.
 *
 * @param name the legend's name of the line
 * @param seconds the finished members' times, in any order
 * @param total all members, finished or not; at least as many as {@code seconds}
 */
public record CdfSeries(String name, List<Double> seconds, int total) {
    public CdfSeries {
        Objects.requireNonNull(name, "name");
        seconds = List.copyOf(seconds);
        for (double s : seconds) {
            if (!Double.isFinite(s) || s < 0) {
                throw new IllegalArgumentException(name + ": a time must be a finite number >= 0, not " + s);
            }
        }
        if (total < seconds.size()) {
            throw new IllegalArgumentException(
                    name + ": " + seconds.size() + " finished but only " + total + " in all");
        }
    }

    /** Every member finished (no failures). */
    public static CdfSeries of(String name, double... seconds) {
        return new CdfSeries(name, Arrays.stream(seconds).boxed().toList(), seconds.length);
    }

    /** The finished times, ascending. */
    double[] sorted() {
        return seconds.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    }
}
