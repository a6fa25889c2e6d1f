package dsrlb.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlotDataTest {
    @TempDir
    Path dir;

    /** The shape of {@code dsrlb storm --json} (cli.StormJson): a summary, then one client a line. */
    static String stormJson(String... clients) {
        return "{\"target\":\"192.0.2.10\",\"clients\":" + clients.length + ",\"results\":[\n"
                + String.join(",\n", clients) + "\n]}\n";
    }

    static String client(String address, boolean ok, String seconds) {
        return "{\"client\":\"" + address + "\",\"ok\":" + ok + ",\"seconds\":" + seconds
                + ",\"transferSeconds\":0.100,\"bytes\":1,\"retransmissions\":0,\"duplicates\":0,\"sha256\":null,"
                + "\"kind\":" + (ok ? "null" : "\"TIMEOUT\"") + ",\"reason\":" + (ok ? "null" : "\"timed out\"") + "}";
    }

    @Test
    void stormJsonFilesArePooledFailedClientsCountOnlyInTheTotal() throws Exception {
        Path a = Files.writeString(
                dir.resolve("a.json"),
                stormJson(client("192.0.2.100", true, "1.250"), client("192.0.2.101", false, "9.000")));
        Path b = Files.writeString(dir.resolve("b.json"), stormJson(client("192.0.2.102", true, "0.500")));

        CdfSeries s = PlotData.cdf("direct", List.of(a, b));

        assertEquals("direct", s.name());
        assertEquals(3, s.total());
        assertEquals(List.of(1.25, 0.5), s.seconds(), "the finished clients, file by file");
    }

    @Test
    void textHasOneMemberALine() throws Exception {
        Path f = Files.writeString(dir.resolve("fw.txt"), "# machine seconds\n29.2\n31.0 ok\n\n600.0 failed\n");

        CdfSeries s = PlotData.cdf("nftables", List.of(f));

        assertEquals(3, s.total());
        assertEquals(List.of(29.2, 31.0), s.seconds());
    }

    @Test
    void pointsKeepTheirOrder() throws Exception {
        Path f = Files.writeString(dir.resolve("steps.txt"), "5000 5000\n10000 9990\n# stop\n20000 12000\n");

        XySeries s = PlotData.points("nftables", List.of(f));

        assertEquals(
                List.of(
                        new XySeries.Point(5000, 5000),
                        new XySeries.Point(10000, 9990),
                        new XySeries.Point(20000, 12000)),
                s.points());
    }

    @Test
    void malformedFilesNameTheFileAndLine() throws Exception {
        Path words = Files.writeString(dir.resolve("w.txt"), "1.0\n1.0 maybe\n");
        assertEquals(
                words + " line 2: expected 'SECONDS [ok|failed]', got: 1.0 maybe",
                assertThrows(IllegalArgumentException.class, () -> PlotData.cdf("x", List.of(words)))
                        .getMessage());
        Path nan = Files.writeString(dir.resolve("n.txt"), "5000 lots\n");
        assertEquals(
                nan + " line 1: not a number >= 0: lots",
                assertThrows(IllegalArgumentException.class, () -> PlotData.points("x", List.of(nan)))
                        .getMessage());
        Path one = Files.writeString(dir.resolve("o.txt"), "5000\n");
        assertEquals(
                one + " line 1: expected 'X Y', got: 5000",
                assertThrows(IllegalArgumentException.class, () -> PlotData.points("x", List.of(one)))
                        .getMessage());
        Path notStorm = Files.writeString(dir.resolve("j.json"), "{\"a\":1}");
        assertEquals(
                notStorm + ": no \"results\" array (not dsrlb storm --json output)",
                assertThrows(IllegalArgumentException.class, () -> PlotData.cdf("x", List.of(notStorm)))
                        .getMessage());
        Path broken = Files.writeString(dir.resolve("b.json"), "{\"results\":[");
        assertThrows(IllegalArgumentException.class, () -> PlotData.cdf("x", List.of(broken)));
    }
}
