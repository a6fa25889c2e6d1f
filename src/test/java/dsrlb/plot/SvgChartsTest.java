package dsrlb.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dsrlb.testing.Svg;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SvgChartsTest {
    static final String X = "seconds per client";
    static final String Y = "fraction of clients done";

    @Test
    void aCdfIsValidSvgWithTitleAxisLabelsLegendAndOneStaircasePerSeries() throws Exception {
        String svg = SvgCharts.cdf(
                "storm: 7 clients",
                X,
                Y,
                List.of(CdfSeries.of("direct", 2.0, 1.0, 1.5), new CdfSeries("dsrlb-pcap", List.of(1.2, 2.5), 4)));

        Svg doc = Svg.parse(svg);
        List<String> texts = doc.texts();
        assertTrue(texts.contains("storm: 7 clients"), texts.toString());
        assertTrue(texts.contains(X), texts.toString());
        assertTrue(texts.contains(Y), texts.toString());
        assertTrue(texts.contains("direct"), texts.toString());
        assertTrue(texts.contains("dsrlb-pcap"), texts.toString());
        assertEquals(
                0, doc.document.getElementsByTagNameNS("*", "font").getLength(), "the reader's fonts, none embedded");

        Map<String, List<double[]>> lines = doc.seriesLines(SvgCharts.SERIES_WIDTH);
        assertEquals(2, lines.size(), lines.keySet().toString());
        List<List<double[]>> l = new ArrayList<>(lines.values());
        // (0, 0), then two points per finished client: flat to its time, up by 1/total.
        assertEquals(1 + 2 * 3, l.get(0).size());
        assertEquals(1 + 2 * 2, l.get(1).size());
        // Both start at the origin; the complete one climbs higher than the one with a failure
        // (3/3 against 2/4: SVG's y grows downwards).
        assertEquals(l.get(0).get(0)[1], l.get(1).get(0)[1], 0.01);
        double originY = l.get(0).get(0)[1];
        double top = l.get(0).get(6)[1];
        double half = l.get(1).get(4)[1];
        assertTrue(top < half, top + " above " + half);
        assertEquals((originY - top) / 2, originY - half, 0.5, "2 of 4 done is half the height of all done");
        // The staircase runs right: times ascend whatever order they came in.
        for (List<double[]> points : l) {
            for (int i = 1; i < points.size(); i++) {
                assertTrue(points.get(i)[0] >= points.get(i - 1)[0], "x never goes back");
                assertTrue(points.get(i)[1] <= points.get(i - 1)[1], "y never goes down");
            }
        }
    }

    @Test
    void namesFromOutsideAreEscapedAndComeBackAsText() throws Exception {
        String name = "<script>alert(\"x\")</script> & 'q' é";
        String svg = SvgCharts.cdf(name, X, Y, List.of(CdfSeries.of(name, 1.0)));

        Svg doc = Svg.parse(svg);
        assertTrue(doc.texts().contains(name), doc.texts().toString());
        assertEquals(0, doc.document.getElementsByTagName("script").getLength());
    }

    @Test
    void theSameDataGivesTheSameFile() {
        List<CdfSeries> s = List.of(CdfSeries.of("a", 1.0, 2.0), CdfSeries.of("b", 1.5));
        assertEquals(SvgCharts.cdf("t", X, Y, s), SvgCharts.cdf("t", X, Y, s));
    }

    @Test
    void aNameKeepsItsColourAcrossChartsGivenTheOrder() throws Exception {
        List<String> both = new ArrayList<>(Svg.parse(SvgCharts.cdf(
                        "t", X, Y, List.of(CdfSeries.of("direct", 1.0, 2.0), CdfSeries.of("nftables", 1.0, 2.0))))
                .seriesLines(SvgCharts.SERIES_WIDTH)
                .keySet());
        assertEquals(2, both.size());

        String alone = Svg.parse(SvgCharts.cdf(
                        "t", X, Y, List.of(CdfSeries.of("nftables", 1.0, 2.0)), List.of("direct", "nftables")))
                .seriesLines(SvgCharts.SERIES_WIDTH)
                .keySet()
                .iterator()
                .next();
        String unordered = Svg.parse(SvgCharts.cdf("t", X, Y, List.of(CdfSeries.of("nftables", 1.0, 2.0))))
                .seriesLines(SvgCharts.SERIES_WIDTH)
                .keySet()
                .iterator()
                .next();

        assertEquals(both.get(1), alone, "nftables in its place of the order");
        assertEquals(both.get(0), unordered, "without an order, the first series takes the first colour");
    }

    @Test
    void linesHaveOnePathPerSeriesAndTheDiagonalInTheLegend() throws Exception {
        List<XySeries> s = List.of(
                new XySeries(
                        "nftables",
                        List.of(
                                new XySeries.Point(5000, 5000),
                                new XySeries.Point(10000, 9990),
                                new XySeries.Point(20000, 12000))),
                new XySeries(
                        "dsrlb-offload",
                        List.of(
                                new XySeries.Point(5000, 5000), new XySeries.Point(10000, 10000),
                                new XySeries.Point(20000, 20000), new XySeries.Point(40000, 30000))));
        String svg = SvgCharts.lines("zero loss", "offered pps", "delivered pps", s, "delivered = offered");

        Svg doc = Svg.parse(svg);
        for (String t : List.of(
                "zero loss", "offered pps", "delivered pps", "nftables", "dsrlb-offload", "delivered = offered")) {
            assertTrue(doc.texts().contains(t), t + " in " + doc.texts());
        }
        Map<String, List<double[]>> lines = doc.seriesLines(SvgCharts.SERIES_WIDTH);
        assertEquals(2, lines.size(), lines.keySet().toString());
        List<List<double[]>> l = new ArrayList<>(lines.values());
        assertEquals(3, l.get(0).size());
        assertEquals(4, l.get(1).size());
    }

    @Test
    void badSeriesAreRefusedWithTheirName() {
        IllegalArgumentException twice = assertThrows(
                IllegalArgumentException.class,
                () -> SvgCharts.cdf("t", X, Y, List.of(CdfSeries.of("a", 1.0), CdfSeries.of("a", 2.0))));
        assertEquals("two series are named a", twice.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SvgCharts.cdf("t", X, Y, List.of()));
        assertEquals(
                "a: 2 finished but only 1 in all",
                assertThrows(IllegalArgumentException.class, () -> new CdfSeries("a", List.of(1.0, 2.0), 1))
                        .getMessage());
        assertThrows(IllegalArgumentException.class, () -> CdfSeries.of("a", Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> CdfSeries.of("a", -1));
    }

    @Test
    void unwritableSaysWhyBeforeAnythingRuns(@TempDir Path dir) throws Exception {
        assertNull(SvgCharts.unwritable(dir.resolve("a.svg")));
        assertEquals("no such directory: " + dir.resolve("nope"), SvgCharts.unwritable(dir.resolve("nope/a.svg")));
        assertEquals("is a directory: " + dir, SvgCharts.unwritable(dir));
        Path file = Files.writeString(dir.resolve("old.svg"), "old");
        assertNull(SvgCharts.unwritable(file), "an existing file is replaced");
    }

    @Test
    void writeReplacesTheFileAndLeavesNothingElse(@TempDir Path dir) throws Exception {
        Path f = Files.writeString(dir.resolve("a.svg"), "old");
        SvgCharts.write(f, "<svg/>");
        assertEquals("<svg/>", Files.readString(f));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)), "for every reader");
        try (var files = Files.list(dir)) {
            assertEquals(List.of(f), files.toList());
        }
    }
}
