package dsrlb.plot;

import java.util.List;
import java.util.Objects;

/**
 * One line of points, drawn in the given order.
 *
 * @param name the legend's name of the line
 * @param points its points
 */
public record XySeries(String name, List<Point> points) {
    public XySeries {
        Objects.requireNonNull(name, "name");
        points = List.copyOf(points);
    }

    /** One point; both coordinates finite. */
    public record Point(double x, double y) {
        public Point {
            if (!Double.isFinite(x) || !Double.isFinite(y)) {
                throw new IllegalArgumentException("a point needs finite coordinates, not (" + x + ", " + y + ")");
            }
        }
    }
}
