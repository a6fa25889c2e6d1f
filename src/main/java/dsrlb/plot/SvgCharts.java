package dsrlb.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Dimension;
import java.awt.Font;
import java.awt.Rectangle;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.apache.batik.svggen.SVGGeneratorContext;
import org.apache.batik.svggen.SVGGraphics2D;
import org.apache.batik.svggen.SVGGraphics2DIOException;
import org.apache.batik.svggen.SVGIDGenerator;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.SeriesRenderingOrder;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.text.TextUtils;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.xy.XYSeriesCollection;
import org.w3c.dom.Document;

/**
 * Charts as SVG documents, drawn by JFreeChart onto Apache Batik's SVG generator (its
 * Graphics2D builds a DOM, here the JDK's): the CDF of a storm's completion times, and lines of
 * points (zero-loss delivered vs offered). Plain data in, one SVG text out; nothing here knows
 * where the data came from.
 *
 * <p>Every series is drawn as one SVG path ({@code drawSeriesLineAsPath}), not a segment per
 * point, so a 200-client CDF stays a few kilobytes and a reader (or a test) finds one line per
 * series. Text stays {@code <text>} in the page's font (no glyph outlines, no embedded SVG
 * font), and element ids come from a counter that starts again for each chart, so the same
 * data gives the same file: BENCHMARKS.md's figures only change in git when a measurement did.
 */
public final class SvgCharts {
    static {
        // No display on the machines that run storms and benchmarks; JFreeChart only needs fonts.
        System.setProperty("java.awt.headless", "true");
        // Rotated labels (the y axis) as a rotated <text>, not glyph outlines: readable,
        // searchable, and a tenth of the size.
        TextUtils.setUseDrawRotatedStringWorkaround(false);
    }

    public static final int WIDTH = 800;
    public static final int HEIGHT = 500;

    /** Series line width, in pixels; tests find the series' paths by it. */
    public static final float SERIES_WIDTH = 2.0f;

    private static final float REFERENCE_WIDTH = 1.0f;

    /** Smaller than JFreeChart's 18 pt: a title that says what was measured fits on one line. */
    private static final Font TITLE_FONT = new Font("SansSerif", Font.BOLD, 15);

    /**
     * Series colours, in order: Okabe and Ito's colour-blind-safe set, darkest first (its
     * yellow is left out, too pale on white), so that six modes stay apart.
     */
    private static final Color[] PALETTE = {
        new Color(0, 114, 178), // blue
        new Color(213, 94, 0), // vermillion
        new Color(0, 158, 115), // bluish green
        new Color(204, 121, 167), // reddish purple
        new Color(86, 180, 233), // sky blue
        new Color(230, 159, 0), // orange
        Color.BLACK,
    };

    private SvgCharts() {}

    /**
     * The empirical CDF of each series: x is seconds, y the fraction of the series' members done
     * by then (failed members count in the total, so such a line ends below 1).
     */
    public static String cdf(String title, String xLabel, String yLabel, List<CdfSeries> series) {
        return cdf(title, xLabel, yLabel, series, List.of());
    }

    /**
     * {@link #cdf(String, String, String, List)} with each series' colour by its name's place in
     * {@code colourOrder} (names not there follow, in series order), so that one name has one
     * colour in several charts even when some lack a series.
     */
    public static String cdf(
            String title, String xLabel, String yLabel, List<CdfSeries> series, List<String> colourOrder) {
        uniqueNames(series.stream().map(CdfSeries::name).toList());
        XYSeriesCollection data = new XYSeriesCollection();
        for (CdfSeries s : series) {
            data.addSeries(steps(s));
        }
        XYPlot plot = plot(data, xLabel, yLabel, false, colourOrder);
        NumberAxis y = (NumberAxis) plot.getRangeAxis();
        y.setRange(0, 1.02);
        y.setTickUnit(new NumberTickUnit(0.1));
        ((NumberAxis) plot.getDomainAxis()).setAutoRangeIncludesZero(true);
        return svg(chart(title, plot));
    }

    /**
     * Lines through points, each point marked; with {@code diagonalLabel} non-null, a thin
     * reference line y = x over the points' range, named so in the legend.
     */
    public static String lines(
            String title, String xLabel, String yLabel, List<XySeries> series, String diagonalLabel) {
        return lines(title, xLabel, yLabel, series, diagonalLabel, List.of());
    }

    /** {@link #lines(String, String, String, List, String)} with colours as {@code cdf}'s colourOrder gives them. */
    public static String lines(
            String title,
            String xLabel,
            String yLabel,
            List<XySeries> series,
            String diagonalLabel,
            List<String> colourOrder) {
        uniqueNames(series.stream().map(XySeries::name).toList());
        XYSeriesCollection data = new XYSeriesCollection();
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (XySeries s : series) {
            org.jfree.data.xy.XYSeries line = new org.jfree.data.xy.XYSeries(s.name(), false, true);
            for (XySeries.Point p : s.points()) {
                line.add(p.x(), p.y());
                lo = Math.min(lo, Math.min(p.x(), p.y()));
                hi = Math.max(hi, Math.max(p.x(), p.y()));
            }
            data.addSeries(line);
        }
        boolean diagonal = diagonalLabel != null && lo <= hi;
        if (diagonal) {
            if (series.stream().anyMatch(s -> s.name().equals(diagonalLabel))) {
                throw new IllegalArgumentException("a series is named like the reference line: " + diagonalLabel);
            }
            org.jfree.data.xy.XYSeries ref = new org.jfree.data.xy.XYSeries(diagonalLabel, false, true);
            ref.add(0, 0);
            ref.add(hi, hi);
            data.addSeries(ref);
        }
        XYPlot plot = plot(data, xLabel, yLabel, true, colourOrder);
        if (diagonal) {
            XYLineAndShapeRenderer r = (XYLineAndShapeRenderer) plot.getRenderer();
            int i = data.getSeriesCount() - 1;
            r.setSeriesPaint(i, Color.GRAY);
            r.setSeriesShapesVisible(i, false);
            r.setSeriesStroke(
                    i,
                    new BasicStroke(
                            REFERENCE_WIDTH,
                            BasicStroke.CAP_BUTT,
                            BasicStroke.JOIN_MITER,
                            10f,
                            new float[] {6f, 4f},
                            0f));
        }
        ((NumberAxis) plot.getDomainAxis()).setAutoRangeIncludesZero(true);
        ((NumberAxis) plot.getRangeAxis()).setAutoRangeIncludesZero(true);
        return svg(chart(title, plot));
    }

    /**
     * Writes the document to {@code file} (replacing it), through a temporary file beside it so
     * that a reader never sees half a picture.
     */
    public static void write(Path file, String svg) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
        try {
            Files.writeString(tmp, svg, StandardCharsets.UTF_8);
            // A temporary file is the owner's alone; a picture is for every reader, as a new file would be.
            if (Files.getFileStore(tmp).supportsFileAttributeView(PosixFileAttributeView.class)) {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
            }
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Why {@code file} cannot be written, or null: its folder must exist and be writable, and
     * the file, if there, must be a writable regular file. Checked before a long run, so that
     * a typo costs nothing.
     */
    public static String unwritable(Path file) {
        Path abs = file.toAbsolutePath();
        Path dir = abs.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            return "no such directory: " + dir;
        }
        if (!Files.isWritable(dir)) {
            return "directory not writable: " + dir;
        }
        if (Files.isDirectory(abs)) {
            return "is a directory: " + abs;
        }
        if (Files.exists(abs) && !Files.isWritable(abs)) {
            return "not writable: " + abs;
        }
        return null;
    }

    /** The CDF as a staircase: up by 1/total at each finished time, flat in between. */
    private static org.jfree.data.xy.XYSeries steps(CdfSeries s) {
        org.jfree.data.xy.XYSeries line = new org.jfree.data.xy.XYSeries(s.name(), false, true);
        double[] t = s.sorted();
        line.add(0, 0);
        double done = 0;
        for (int i = 0; i < t.length; i++) {
            line.add(t[i], done);
            done = (i + 1) / (double) s.total();
            line.add(t[i], done);
        }
        return line;
    }

    private static XYPlot plot(
            XYSeriesCollection data, String xLabel, String yLabel, boolean shapes, List<String> colourOrder) {
        NumberAxis x = new NumberAxis(xLabel);
        NumberAxis y = new NumberAxis(yLabel);
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, shapes);
        r.setDrawSeriesLineAsPath(true);
        r.setDefaultStroke(new BasicStroke(SERIES_WIDTH));
        r.setAutoPopulateSeriesStroke(false);
        List<String> order = new ArrayList<>(colourOrder);
        for (int i = 0; i < data.getSeriesCount(); i++) {
            String name = data.getSeriesKey(i).toString();
            if (!order.contains(name)) {
                order.add(name);
            }
            r.setSeriesPaint(i, PALETTE[order.indexOf(name) % PALETTE.length]);
        }
        XYPlot plot = new XYPlot(data, x, y, r);
        // The first series first (JFreeChart's default is the reverse): document order is legend order.
        plot.setSeriesRenderingOrder(SeriesRenderingOrder.FORWARD);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        return plot;
    }

    private static JFreeChart chart(String title, XYPlot plot) {
        JFreeChart chart = new JFreeChart(title, TITLE_FONT, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        LegendTitle legend = chart.getLegend();
        legend.setPosition(RectangleEdge.BOTTOM);
        return chart;
    }

    /**
     * @throws IllegalStateException when Java finds no font to measure text with (a host
     *     without fonts-dejavu-core or another font: the JDK's font setup fails with an Error)
     */
    private static String svg(JFreeChart chart) {
        Document dom;
        try {
            dom = DocumentBuilderFactory.newInstance().newDocumentBuilder().newDocument();
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("the JDK's XML parser has no default configuration", e);
        }
        SVGGeneratorContext context = SVGGeneratorContext.createDefault(dom);
        // A counter per chart, not one shared by the JVM: equal data, equal ids, equal file.
        context.setIDGenerator(new SVGIDGenerator());
        // Fonts are the reader's (a <text> with a font-family), not copied into the file.
        context.setEmbeddedFontsOn(false);
        // Batik's own "Generated by" comment would be the only line that is not the chart.
        context.setComment(null);
        SVGGraphics2D g;
        try {
            // Batik's Graphics2D asks the JDK for its default font already when it is made.
            g = new SVGGraphics2D(context, false);
            g.setSVGCanvasSize(new Dimension(WIDTH, HEIGHT));
            chart.draw(g, new Rectangle(0, 0, WIDTH, HEIGHT));
        } catch (Error e) {
            // The JDK says "no fonts" with a plain Error, an InternalError (fontconfig) or, after
            // one of those, a NoClassDefFoundError; memory and stack are not ours to explain.
            if (e instanceof OutOfMemoryError || e instanceof StackOverflowError) {
                throw e;
            }
            Throwable root = e;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            throw new IllegalStateException(
                    "Java found no fonts to draw text with (" + root.getMessage() + "): install fonts-dejavu-core", e);
        }
        StringWriter out = new StringWriter();
        try {
            // Styles as one style attribute per element (CSS), as browsers and the tests read them.
            g.stream(out, true);
        } catch (SVGGraphics2DIOException e) {
            throw new IllegalStateException("cannot happen: a StringWriter does not fail", e);
        }
        return out + "\n";
    }

    private static void uniqueNames(List<String> names) {
        Set<String> seen = new HashSet<>();
        for (String n : names) {
            if (!seen.add(n)) {
                throw new IllegalArgumentException("two series are named " + n);
            }
        }
        if (names.isEmpty()) {
            throw new IllegalArgumentException("no series to draw");
        }
    }
}
