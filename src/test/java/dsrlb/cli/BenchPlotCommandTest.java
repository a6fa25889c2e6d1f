package dsrlb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dsrlb.plot.SvgCharts;
import dsrlb.testing.Svg;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code dsrlb bench plot} on small files shaped like those lab/bench keeps. */
class BenchPlotCommandTest {
    @TempDir
    Path dir;

    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    private int plot(String... args) {
        List<String> all = new ArrayList<>(List.of("bench", "plot"));
        all.addAll(List.of(args));
        var cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(all.toArray(String[]::new));
    }

    private static String storm(double... seconds) {
        StringBuilder sb = new StringBuilder("{\"target\":\"192.0.2.10\",\"results\":[\n");
        for (int i = 0; i < seconds.length; i++) {
            sb.append(i == 0 ? "" : ",\n")
                    .append("{\"client\":\"192.0.2.")
                    .append(100 + i)
                    .append("\",\"ok\":true,\"seconds\":")
                    .append(seconds[i])
                    .append('}');
        }
        return sb.append("\n]}\n").toString();
    }

    @Test
    void aStormCdfPerModeFromRoundsOfStormJson() throws Exception {
        Path d1 = Files.writeString(dir.resolve("direct.1.a.json"), storm(1.0, 2.0));
        Path d2 = Files.writeString(dir.resolve("direct.1.b.json"), storm(1.5));
        Path n1 = Files.writeString(dir.resolve("nftables.1.a.json"), storm(0.5, 0.7, 0.9));
        Path svg = dir.resolve("storm.svg");

        assertEquals(
                0,
                plot(
                        "--kind",
                        "cdf",
                        "--output",
                        svg.toString(),
                        "--title",
                        "boot storm: 3 clients x ARDBP32.BIN",
                        "--series",
                        "direct=" + d1 + "," + d2,
                        "--series",
                        "nftables=" + n1),
                err.toString());

        assertEquals("", err.toString());
        Svg doc = Svg.parse(Files.readString(svg));
        for (String t : List.of(
                "boot storm: 3 clients x ARDBP32.BIN",
                "seconds per client",
                "fraction of clients done",
                "direct",
                "nftables")) {
            assertTrue(doc.texts().contains(t), t + " in " + doc.texts());
        }
        List<List<double[]>> lines =
                new ArrayList<>(doc.seriesLines(SvgCharts.SERIES_WIDTH).values());
        assertEquals(2, lines.size());
        assertEquals(1 + 2 * 3, lines.get(0).size(), "direct: both halves pooled");
        assertEquals(1 + 2 * 3, lines.get(1).size());
    }

    @Test
    void zeroLossStepsAsLinesWithTheDiagonal() throws Exception {
        Path nft = Files.writeString(dir.resolve("zero.nftables.tsv"), "5000 5000\n10000 10000\n20000 15000\n");
        Path svg = dir.resolve("zero.svg");

        assertEquals(
                0,
                plot(
                        "--kind", "lines",
                        "--output", svg.toString(),
                        "--title", "zero loss",
                        "--x-label", "offered pps",
                        "--y-label", "delivered pps",
                        "--diagonal", "delivered = offered",
                        "--colours", "direct,nftables",
                        "--series", "nftables=" + nft),
                err.toString());

        Svg doc = Svg.parse(Files.readString(svg));
        assertTrue(doc.texts().contains("delivered = offered"), doc.texts().toString());
        assertTrue(doc.texts().contains("offered pps"), doc.texts().toString());
        assertEquals(1, doc.seriesLines(SvgCharts.SERIES_WIDTH).size());
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "--output NOPE/x.svg|dsrlb bench plot: --output NOPE/x.svg: no such directory: NOPE",
                "--output DIR|dsrlb bench plot: --output DIR: is a directory: DIR",
                "--series direct|dsrlb bench plot: --series direct: expected NAME=FILE[,FILE...]",
                "--series direct=DIR/none.json|dsrlb bench plot: no such file: DIR/none.json",
                "--series direct=DIR/bad.txt|dsrlb bench plot: DIR/bad.txt line 1: expected 'SECONDS [ok|failed]'",
                "--series a=DIR/ok.txt --series a=DIR/ok.txt|dsrlb bench plot: two series are named a",
                "--diagonal y=x --series a=DIR/ok.txt|dsrlb bench plot: --diagonal is for --kind lines",
                "--kind pie|Invalid value for option '--kind'"
            })
    void badArgumentsAndInputAreExit2WithAClearMessageAndNoFile(String args, String message) throws Exception {
        Files.writeString(dir.resolve("bad.txt"), "1.0 maybe\n");
        Files.writeString(dir.resolve("ok.txt"), "1.0\n");
        Path svg = dir.resolve("out.svg");
        List<String> given = new ArrayList<>();
        for (String a : args.split(" ", -1)) {
            given.add(a.replace("NOPE", dir.resolve("nope").toString()).replace("DIR", dir.toString()));
        }
        List<String> all = new ArrayList<>();
        String[][] defaults = {
            {"--kind", "cdf"},
            {"--output", svg.toString()},
            {"--title", "t"},
            {"--series", "a=" + dir.resolve("ok.txt")}
        };
        for (String[] d : defaults) {
            if (!given.contains(d[0])) {
                all.addAll(List.of(d));
            }
        }
        all.addAll(given);

        assertEquals(2, plot(all.toArray(String[]::new)), err.toString());

        String expected =
                message.replace("NOPE", dir.resolve("nope").toString()).replace("DIR", dir.toString());
        assertTrue(err.toString().contains(expected), err.toString());
        assertFalse(err.toString().contains("Exception"), err.toString());
        assertFalse(Files.exists(svg));
    }
}
