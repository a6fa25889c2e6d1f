package dsrlb.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dsrlb.plot.SvgCharts;
import dsrlb.testing.Svg;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code dsrlb storm} (the real jar) in the client namespace: 200 clients, one per extra client
 * address, fetch ARDBP32.BIN through the VIP at once with dsrlb and examples/seed.conf in the lb
 * namespace, on the engine a subclass names. The backends' own record (lab/served-by) says who served whom; the storm cannot see
 * it, since every answer comes from the VIP. A storm straight to tftp1's real address is the
 * yardstick.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class StormIT {
    static final String SOURCES = "192.0.2.32-192.0.2.231";
    static final int CLIENTS = 200;
    static final String TFTP1 = "198.51.100.30";

    DsrlbProcess dsrlb;
    String sha;
    double viaVipSeconds = -1;

    @BeforeAll
    void startLab() throws IOException {
        Lab.requireNamespaces();
        Lab.down();
        Lab.up();
        dsrlb = engine() == null
                ? DsrlbProcess.start(Lab.BASEDIR.resolve("examples/seed.conf"))
                : DsrlbProcess.start(Lab.BASEDIR.resolve("examples/seed.conf"), "--engine", engine());
        sha = Lab.sha256(Lab.served("ARDBP32.BIN"));
    }

    /** The `dsrlb run --engine` value, or null to start dsrlb as a new user does, without one. */
    abstract String engine();

    @AfterAll
    void stopLab() {
        if (dsrlb != null) {
            // dsrlb's own account of the storms: received, forwarded, drops by reason.
            dsrlb.stop()
                    .lines()
                    .filter(l -> l.contains("counters")
                            || l.contains("drop")
                            || l.contains("vserver")
                            || l.contains("offload:"))
                    .forEach(l -> System.out.println("dsrlb| " + l));
            dsrlb.close();
        }
        Lab.down();
    }

    /** The storm in the client namespace; bounded by --max-time, the process bound is for a broken build. */
    static Lab.Result storm(String target, String... extra) {
        return storm(target, SOURCES, 120, extra);
    }

    /** {@link #storm(String, String...)} from other client addresses, bounded by {@code maxTimeSeconds}. */
    static Lab.Result storm(String target, String sources, int maxTimeSeconds, String... extra) {
        List<String> cmd = new ArrayList<>(List.of(
                "java",
                "-jar",
                Lab.JAR.toString(),
                "storm",
                "--target",
                target,
                "--file",
                "ARDBP32.BIN",
                "--sources",
                sources,
                "--no-progress",
                "--max-time",
                Integer.toString(maxTimeSeconds),
                // PXE ROMs retry a lost RRQ for tens of seconds; 5 x 1 s lost a few of 200 clients
                // whose RRQs queued behind the rest at the backends (seen with pcap, 2 cores).
                "--retries",
                "8"));
        cmd.addAll(List.of(extra));
        return Lab.inNamespace(Lab.CLIENT_NS, 180, cmd.toArray(String[]::new));
    }

    @Test
    @Order(1)
    void twoHundredClientsThroughTheVipAllCompleteEachOnOneBackendBothUsed() {
        Lab.resetServedBy();

        Lab.Result r = storm(Lab.VIP, "--expect-sha256", sha, "--json");

        report("storm via the VIP, engine " + engine(), r);
        assertEquals(0, r.exit(), r.toString());
        String head = r.out().substring(0, r.out().indexOf("\"results\""));
        assertEquals(String.valueOf(CLIENTS), field(head, "clients"), r.toString());
        assertEquals(String.valueOf(CLIENTS), field(head, "completed"), r.toString());
        assertEquals("0", field(head, "failed"), r.toString());
        viaVipSeconds = Double.parseDouble(field(head, "stormSeconds"));
        List<String> results = results(r.out());
        assertEquals(CLIENTS, results.size(), r.toString());

        Map<String, List<String>> served = Lab.servedBy();
        int tftp1 = 0;
        int tftp2 = 0;
        for (String c : results) {
            String client = unquote(field(c, "client"));
            assertEquals("true", field(c, "ok"), c);
            assertEquals("\"" + sha + "\"", field(c, "sha256"), c);
            List<String> backends = served.get(client);
            assertTrue(backends != null && backends.size() == 1, client + " served by " + backends);
            if (backends.get(0).equals("tftp1")) {
                tftp1++;
            } else {
                tftp2++;
            }
        }
        assertTrue(
                tftp1 >= CLIENTS / 4 && tftp2 >= CLIENTS / 4,
                CLIENTS + " clients: tftp1 " + tftp1 + ", tftp2 " + tftp2);
        System.out.printf(Locale.ROOT, "served by tftp1 %d, tftp2 %d%n", tftp1, tftp2);
    }

    @Test
    @Order(3)
    void theSameStormStraightToOneBackendIsTheYardstick() {
        Lab.resetServedBy();

        Lab.Result r = storm(TFTP1, "--expect-sha256", sha, "--json");

        report("storm direct to tftp1", r);
        assertEquals(0, r.exit(), r.toString());
        String head = r.out().substring(0, r.out().indexOf("\"results\""));
        assertEquals(String.valueOf(CLIENTS), field(head, "completed"), r.toString());
        // RRQ, ACK 0 and 184 ACKs of 1428-byte blocks per client, straight to the real address.
        long direct = Lab.directCount("tftp1");
        assertTrue(direct >= CLIENTS * 186L, "client packets to tftp1's real address: " + direct);
        double seconds = Double.parseDouble(field(head, "stormSeconds"));
        System.out.printf(
                Locale.ROOT,
                "storm time via the VIP %.3f s, direct %.3f s: ratio %s%n",
                viaVipSeconds,
                seconds,
                viaVipSeconds < 0 ? "-" : String.format(Locale.ROOT, "%.2f", viaVipSeconds / seconds));
    }

    /**
     * Before the direct storm: once, after 200 clients had fetched from tftp1's real address, a
     * tftpd-hpa child answered one VIP client from that real address (WRONG_SOURCE), which no
     * load balancer can cause in DSR.
     */
    @Test
    @Order(2)
    void theHumanReportSaysTheSameAndThePlotHasTheVipsLine() throws Exception {
        // Kept in target/ as a test artifact: the storm's picture on this engine.
        Path plot =
                Lab.BASEDIR.resolve("target").resolve("storm-" + (engine() == null ? "default" : engine()) + ".svg");
        Files.createDirectories(plot.getParent());
        Files.deleteIfExists(plot);

        Lab.Result r = storm(Lab.VIP, "--expect-sha256", sha, "--plot", plot.toString());

        assertEquals(0, r.exit(), r.toString());
        Svg svg = Svg.parse(Files.readString(plot));
        assertTrue(svg.texts().contains(Lab.VIP), "the target names the line: " + svg.texts());
        Map<String, List<double[]>> lines = svg.seriesLines(SvgCharts.SERIES_WIDTH);
        assertEquals(1, lines.size(), "one target, one line: " + lines.keySet());
        assertEquals(1 + 2 * CLIENTS, lines.values().iterator().next().size(), "a step per client");
        assertTrue(r.out().contains("\nclients          " + CLIENTS + " completed, 0 failed\n"), r.toString());
        assertTrue(
                r.out().contains("\nsha256           " + sha + " (all " + CLIENTS + "), as expected\n"), r.toString());
        System.out.println(r.out());
    }

    /** The summary and the clients that had to send again, for the failsafe report. */
    static void report(String what, Lab.Result r) {
        int results = r.out().indexOf("\"results\"");
        System.out.println(what + ": exit " + r.exit() + "\n"
                + (results < 0 ? r.toString() : r.out().substring(0, results)));
        results(r.out()).stream()
                .filter(c -> !field(c, "retransmissions").equals("0")
                        || !field(c, "ok").equals("true"))
                .forEach(c -> System.out.println("  " + c.replaceAll(",\"sha256\":\"[0-9a-f]+\"", "")));
    }

    static List<String> results(String json) {
        return json.lines().filter(l -> l.startsWith("{\"client\":")).toList();
    }

    static String unquote(String s) {
        return s.substring(1, s.length() - 1);
    }

    /** A field's JSON value: a string, number, literal or flat object. */
    static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":(\"(?:[^\"\\\\]|\\\\.)*\"|\\{[^{}]*\\}|[^,}\\]]+)")
                .matcher(json);
        assertTrue(m.find(), name + " in " + json);
        return m.group(1);
    }
}
