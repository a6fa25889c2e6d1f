package dsrlb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dsrlb.plot.SvgCharts;
import dsrlb.storm.SourceAddresses;
import dsrlb.testing.Svg;
import dsrlb.tftp.FakeTftpServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code dsrlb storm} in process, 8 clients on 127.0.0.1..8 against the fake TFTP server. */
class StormCommandTest {
    static final byte[] FILE = new byte[100_000];

    static {
        new Random(9).nextBytes(FILE);
    }

    static final String SHA = ProbeCommandTest.sha256(FILE);

    FakeTftpServer server;
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    @BeforeEach
    void startServer() throws IOException {
        server = FakeTftpServer.start().serve("ARDBP32.BIN", FILE);
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    private int storm(String... args) {
        // Defaults for what the arguments do not set (picocli refuses an option given twice).
        List<String> given = List.of(args);
        List<String> all = new ArrayList<>(List.of("storm", "--no-progress"));
        String[][] defaults = {
            {"--target", "127.0.0.1"},
            {"--port", String.valueOf(server.port())},
            {"--sources", "127.0.0.1-127.0.0.8"},
            {"--timeout", "200ms"}
        };
        for (String[] d : defaults) {
            if (!given.contains(d[0])) {
                all.addAll(List.of(d));
            }
        }
        all.addAll(given);
        var cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(all.toArray(String[]::new));
    }

    @Test
    void eightClientsCompleteAndTheTableAddsUp() {
        assertEquals(0, storm("--file", "ARDBP32.BIN", "--expect-sha256", SHA), err.toString());

        String s = out.toString();
        assertTrue(
                s.startsWith("storm: 8 clients, ARDBP32.BIN from 127.0.0.1:" + server.port()
                        + ", blksize 1428, timeout 0.200 s x 5 retries\n"),
                s);
        assertEquals("8 completed, 0 failed", row(s, "clients"));
        Matcher t = Pattern.compile(
                        "p50 (\\d+\\.\\d{3}) s, p90 (\\d+\\.\\d{3}) s, p99 (\\d+\\.\\d{3}) s, max (\\d+\\.\\d{3}) s")
                .matcher(row(s, "completion time"));
        assertTrue(t.matches(), s);
        double p50 = Double.parseDouble(t.group(1));
        double p90 = Double.parseDouble(t.group(2));
        double p99 = Double.parseDouble(t.group(3));
        double max = Double.parseDouble(t.group(4));
        assertTrue(0 < p50 && p50 <= p90 && p90 <= p99 && p99 <= max, s);
        Matcher w = Pattern.compile("(\\d+\\.\\d{3}) s \\(common start to the last client's end\\)")
                .matcher(row(s, "storm time"));
        assertTrue(w.matches(), s);
        double wall = Double.parseDouble(w.group(1));
        assertEquals(max, wall, 0.0005, "the storm ends with its last client");
        Matcher tp = Pattern.compile("(\\d+\\.\\d{2}) MiB/s, (\\d+) bytes").matcher(row(s, "throughput"));
        assertTrue(tp.matches(), s);
        assertEquals(8L * FILE.length, Long.parseLong(tp.group(2)));
        // MiB/s = bytes / storm time, within the rounding of both printed figures.
        double mib = 8.0 * FILE.length / 1048576;
        double rate = Double.parseDouble(tp.group(1));
        assertTrue(
                mib / (wall + 0.0005) - 0.005 <= rate && rate <= mib / (wall - 0.0005) + 0.005,
                rate + " MiB/s for " + mib + " MiB in " + wall + " s");
        assertTrue(row(s, "retransmissions").matches("\\d+ by the clients, \\d+ duplicate blocks from the server"), s);
        assertEquals(SHA + " (all 8), as expected", row(s, "sha256"));
        assertTrue(!s.contains("failures"), s);
        assertEquals("", err.toString(), "no progress line with --no-progress");
    }

    @Test
    void jsonHasTheSummaryAndOneLinePerClientThatAddUp() {
        Instant before = Instant.now();
        assertEquals(0, storm("--file", "ARDBP32.BIN", "--expect-size", "100000", "--json"), err.toString());

        String s = out.toString();
        assertTrue(
                s.startsWith("{\"target\":\"127.0.0.1\",\"port\":" + server.port()
                        + ",\"file\":\"ARDBP32.BIN\",\"blksize\":1428,\"timeoutSeconds\":0.200,\"retries\":5,"
                        + "\"maxTimeSeconds\":300.000,\"expectSize\":100000,\"expectSha256\":null,\"clients\":8,"
                        + "\"completed\":8,\"failed\":0,\"stormSeconds\":"),
                s);
        assertTrue(s.endsWith("\n]}\n"), s);
        List<String> clients =
                s.lines().filter(l -> l.startsWith("{\"client\":")).toList();
        assertEquals(8, clients.size(), s);
        long bytes = 0;
        long retransmissions = 0;
        double maxSeconds = 0;
        for (int i = 0; i < 8; i++) {
            String c = clients.get(i);
            // One target: no "target" per client, the layout scripts have read from the start.
            assertTrue(c.startsWith("{\"client\":\"127.0.0." + (i + 1) + "\",\"ok\":true,\"seconds\":"), c);
            assertEquals("\"127.0.0." + (i + 1) + "\"", field(c, "client"));
            assertEquals("true", field(c, "ok"));
            assertEquals("\"" + SHA + "\"", field(c, "sha256"));
            assertEquals("null", field(c, "reason"));
            assertEquals("null", field(c, "kind"));
            assertTrue(Double.parseDouble(field(c, "seconds")) >= Double.parseDouble(field(c, "transferSeconds")), c);
            bytes += Long.parseLong(field(c, "bytes"));
            retransmissions += Long.parseLong(field(c, "retransmissions"));
            maxSeconds = Math.max(maxSeconds, Double.parseDouble(field(c, "seconds")));
        }
        String head = s.substring(0, s.indexOf("\"results\""));
        assertEquals(String.valueOf(8L * FILE.length), field(head, "bytes"));
        assertEquals(8L * FILE.length, bytes);
        assertEquals(String.valueOf(retransmissions), field(head, "retransmissions"));
        assertEquals(String.format(java.util.Locale.ROOT, "%.3f", maxSeconds), field(head, "max"));
        assertEquals(field(head, "max"), field(head, "stormSeconds"));
        // The common start by the wall clock (lab/bench lines its CPU samples up with it).
        Instant started = Instant.parse(field(head, "startedAt").replace("\"", ""));
        assertTrue(!started.isBefore(before) && !started.isAfter(Instant.now()), started + " not within the call");
        assertTrue(
                field(head, "completionSeconds")
                        .matches(
                                "\\{\"p50\":\\d+\\.\\d{3},\"p90\":\\d+\\.\\d{3},\"p99\":\\d+\\.\\d{3},\"max\":\\d+\\.\\d{3}\\}"),
                head);
        assertEquals("{}", field(head, "failuresByKind"));
    }

    @Test
    void droppedBlocksShowAsRetransmissions() {
        server.dropDataOnce(2).dropDataOnce(10).dropDataOnce(30).dropDataOnce(60);

        assertEquals(0, storm("--file", "ARDBP32.BIN", "--expect-sha256", SHA), err.toString());

        String s = out.toString();
        Matcher m = Pattern.compile("(\\d+) by the clients").matcher(row(s, "retransmissions"));
        assertTrue(m.find(), s);
        assertTrue(Integer.parseInt(m.group(1)) >= 4, "4 blocks lost once: " + s);
        assertEquals("8 completed, 0 failed", row(s, "clients"));
    }

    @Test
    void aMissingFileFailsEveryClientListsTheFirstFiveAndExits1() {
        assertEquals(1, storm("--file", "nosuch.bin"));

        String s = out.toString();
        assertEquals("0 completed, 8 failed", row(s, "clients"));
        assertEquals("- (no client completed)", row(s, "completion time"));
        assertEquals("- (no client completed)", row(s, "sha256"));
        assertEquals("TFTP_ERROR 8", row(s, "failures"));
        for (int i = 1; i <= 5; i++) {
            assertTrue(s.contains("\n  127.0.0." + i + ": TFTP error 1 (File not found)\n"), s);
        }
        assertTrue(!s.contains("127.0.0.6:"), s);
        assertTrue(s.endsWith("\n  ... and 3 more (--json has them all)\n"), s);
    }

    @Test
    void aMissingFileInJsonHasEveryFailureWithItsReason() {
        assertEquals(1, storm("--file", "nosuch.bin", "--json"));

        String s = out.toString();
        String head = s.substring(0, s.indexOf("\"results\""));
        assertEquals("0", field(head, "completed"));
        assertEquals("8", field(head, "failed"));
        assertEquals("null", field(head, "completionSeconds"));
        assertEquals("{\"TFTP_ERROR\":8}", field(head, "failuresByKind"));
        List<String> clients =
                s.lines().filter(l -> l.startsWith("{\"client\":")).toList();
        assertEquals(8, clients.size());
        for (String c : clients) {
            assertEquals("false", field(c, "ok"));
            assertEquals("null", field(c, "sha256"));
            assertEquals("\"TFTP_ERROR\"", field(c, "kind"));
            assertEquals("\"TFTP error 1 (File not found)\"", field(c, "reason"));
        }
    }

    @Test
    void aWrongExpectedHashFailsTheClientsAndExits1() {
        assertEquals(
                1,
                storm(
                        "--file",
                        "ARDBP32.BIN",
                        "--expect-sha256",
                        ProbeCommandTest.sha256(new byte[0]),
                        "--clients",
                        "2"));

        String s = out.toString();
        assertTrue(s.startsWith("storm: 2 clients, "), s);
        assertEquals("0 completed, 2 failed", row(s, "clients"));
        assertEquals("HASH_MISMATCH 2", row(s, "failures"));
        assertTrue(s.contains("\n  127.0.0.1: sha256 " + SHA + ", expected "), s);
    }

    /**
     * IPv6 end to end: the client binds its IPv6 source and fetches from an IPv6 target (loopback
     * has one IPv6 address, so one client); the report writes the target as [address]:port.
     */
    @Test
    void anIpv6ClientFetchesFromAnIpv6TargetBoundToItsSource() throws IOException {
        server.close();
        byte[] loopback6 = new byte[16];
        loopback6[15] = 1;
        server = FakeTftpServer.start(InetAddress.getByAddress(loopback6)).serve("ARDBP32.BIN", FILE);

        assertEquals(
                0,
                storm("--file", "ARDBP32.BIN", "--target", "::1", "--sources", "::1", "--expect-sha256", SHA, "--json"),
                err.toString());

        List<String> clients =
                out.toString().lines().filter(l -> l.startsWith("{\"client\":")).toList();
        assertEquals(1, clients.size(), out.toString());
        assertEquals("\"0:0:0:0:0:0:0:1\"", field(clients.get(0), "client"));
        assertEquals("true", field(clients.get(0), "ok"));
        assertEquals(1, server.requests().size());

        out.getBuffer().setLength(0);
        assertEquals(0, storm("--file", "ARDBP32.BIN", "--target", "::1", "--sources", "::1"), err.toString());
        assertTrue(out.toString().contains(" from [0:0:0:0:0:0:0:1]:" + server.port() + ","), out.toString());
        assertTrue(out.toString().contains("1 completed, 0 failed"), out.toString());
    }

    @Test
    void clientsTakesTheFirstSources() {
        assertEquals(0, storm("--file", "ARDBP32.BIN", "--clients", "3", "--json"));

        List<String> clients =
                out.toString().lines().filter(l -> l.startsWith("{\"client\":")).toList();
        assertEquals(
                List.of("\"127.0.0.1\"", "\"127.0.0.2\"", "\"127.0.0.3\""),
                clients.stream().map(c -> field(c, "client")).toList());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "--file x --sources 127.0.0.9-127.0.0.1|dsrlb storm: --sources: range '127.0.0.9-127.0.0.1' ends before it starts",
                "--file x --sources 127.0.0.1-127.0.0.300|dsrlb storm: --sources: '300' in '127.0.0.1-127.0.0.300' is above 255",
                "--file x --sources localhost|dsrlb storm: --sources: 'localhost' is not an IPv4 address (a.b.c.d) nor an IPv6 one",
                "--file x --sources 127.0.0.1,127.0.0.1|dsrlb storm: --sources: 127.0.0.1 is listed twice",
                "--file x --clients 9|dsrlb storm: --clients 9 is more than the 8 --sources addresses (one client per source address)",
                "--file x --clients 0|dsrlb storm: --clients must be at least 1",
                "--file x --sources 10.0.0.0-10.0.4.0|dsrlb storm: --sources has 1025 addresses, more than 1024 clients: use --clients",
                "--file x --timeout 0|dsrlb storm: --timeout must be above 0",
                "--file x --max-time 0s|dsrlb storm: --max-time must be above 0",
                "--file x --max-time soon|'soon' is not a duration",
                "--file x --retries -1|dsrlb storm: --retries must be at least 0",
                "--file x --blksize 4|dsrlb storm: --blksize must be 0 or 8..65464",
                "--file x --expect-sha256 abc|dsrlb storm: --expect-sha256 must be 64 hex digits",
                "--file x --expect-size -1|dsrlb storm: --expect-size must be at least 0",
                "--file x --target ::1|dsrlb storm: --target 0:0:0:0:0:0:0:1 is IPv6, the --sources IPv4: one IP version a storm",
                "--file x --sources ::1|dsrlb storm: --target 127.0.0.1 is IPv4, the --sources IPv6: one IP version a storm",
                "--file x --sources ::1,127.0.0.1|dsrlb storm: --sources: '127.0.0.1' is IPv4 and '::1' IPv6",
                "--file x --target 127.0.0.1 --target ::1|dsrlb storm: --target 0:0:0:0:0:0:0:1 is IPv6, the --sources IPv4: one IP version a storm",
                "--file x --target 127.0.0.1 --target 127.0.0.2 --target 127.0.0.3 --clients 2|dsrlb storm: --target given 3 times for 2 clients: every target needs at least one client",
                "--file x --target 127.0.0.2 --target 127.0.0.2|dsrlb storm: --target 127.0.0.2 is given twice",
                "--file x --bogus|Unknown option: '--bogus'",
                "--clients 2|Missing required option: '--file=FILE'"
            })
    void badArgumentsAreExit2WithAClearMessage(String args, String message) {
        assertEquals(2, storm(args.split(" ")), err.toString());
        assertTrue(err.toString().contains(message), err.toString());
        assertEquals("", out.toString());
        assertTrue(server.requests().isEmpty(), "nothing sent on bad arguments");
    }

    @Test
    void plotWritesTheCompletionTimesAsACdfOfTheTarget(@TempDir Path dir) throws Exception {
        Path svg = dir.resolve("storm.svg");

        assertEquals(0, storm("--file", "ARDBP32.BIN", "--plot", svg.toString()), err.toString());

        Svg doc = Svg.parse(Files.readString(svg));
        List<String> texts = doc.texts();
        assertTrue(texts.contains("dsrlb storm: 8 clients, ARDBP32.BIN, 8 completed"), texts.toString());
        assertTrue(texts.contains(StormCommand.PLOT_X), texts.toString());
        assertTrue(texts.contains(StormCommand.PLOT_Y), texts.toString());
        assertTrue(texts.contains("127.0.0.1:" + server.port()), "the target names the line: " + texts);
        Map<String, List<double[]>> lines = doc.seriesLines(SvgCharts.SERIES_WIDTH);
        assertEquals(1, lines.size(), "one target, one line");
        assertEquals(1 + 2 * 8, lines.values().iterator().next().size(), "a step per client");
        assertTrue(row(out.toString(), "clients").equals("8 completed, 0 failed"), "the table is still printed");
    }

    /**
     * Two targets (two fake servers on 127.0.0.1 and 127.0.0.2, one port): the clients take them
     * in turn; the report names both, the JSON says which client used which, the plot has a line
     * per target.
     */
    @Test
    void twoTargetsTakeTheClientsInTurnAndTheReportsNameBoth(@TempDir Path dir) throws Exception {
        try (FakeTftpServer server2 = FakeTftpServer.start(
                        SourceAddresses.parse("127.0.0.2").get(0), server.port())
                .serve("ARDBP32.BIN", FILE)) {
            String[] args = {
                "--file",
                "ARDBP32.BIN",
                "--target",
                "127.0.0.1",
                "--target",
                "127.0.0.2",
                "--sources",
                "127.0.1.1-127.0.1.8",
                "--expect-sha256",
                SHA
            };
            List<String> json = new ArrayList<>(List.of(args));
            json.add("--json");

            assertEquals(0, storm(json.toArray(String[]::new)), err.toString());

            String s = out.toString();
            assertTrue(
                    s.startsWith("{\"target\":\"127.0.0.1\",\"targets\":[\"127.0.0.1\",\"127.0.0.2\"],\"port\":"
                            + server.port() + ",\"file\":\"ARDBP32.BIN\","),
                    s);
            List<String> clients =
                    s.lines().filter(l -> l.startsWith("{\"client\":")).toList();
            assertEquals(8, clients.size(), s);
            for (int i = 0; i < 8; i++) {
                String c = clients.get(i);
                assertTrue(
                        c.startsWith("{\"client\":\"127.0.1." + (i + 1) + "\",\"target\":\"127.0.0." + (i % 2 + 1)
                                + "\",\"ok\":true,"),
                        c);
            }
            assertEquals(
                    Set.of("127.0.1.1", "127.0.1.3", "127.0.1.5", "127.0.1.7"),
                    addresses(server.requesters()),
                    "the first server saw every other client from the first");
            assertEquals(
                    Set.of("127.0.1.2", "127.0.1.4", "127.0.1.6", "127.0.1.8"),
                    addresses(server2.requesters()),
                    "the second server saw the others");
            String head = s.substring(0, s.indexOf("\"results\""));
            assertEquals("8", field(head, "completed"));
            assertEquals(String.valueOf(8L * FILE.length), field(head, "bytes"));

            out.getBuffer().setLength(0);
            Path svg = dir.resolve("two.svg");
            List<String> table = new ArrayList<>(List.of(args));
            table.addAll(List.of("--plot", svg.toString()));
            assertEquals(0, storm(table.toArray(String[]::new)), err.toString());

            String t = out.toString();
            assertTrue(
                    t.startsWith(
                            "storm: 8 clients, ARDBP32.BIN from 127.0.0.1:" + server.port() + " (4 clients), 127.0.0.2:"
                                    + server.port() + " (4 clients), blksize 1428, timeout 0.200 s x 5 retries\n"),
                    t);
            assertEquals("8 completed, 0 failed", row(t, "clients"));
            assertEquals(SHA + " (all 8), as expected", row(t, "sha256"));
            Svg doc = Svg.parse(Files.readString(svg));
            assertTrue(
                    doc.texts().contains("127.0.0.1:" + server.port()),
                    doc.texts().toString());
            assertTrue(
                    doc.texts().contains("127.0.0.2:" + server.port()),
                    doc.texts().toString());
            Map<String, List<double[]>> lines = doc.seriesLines(SvgCharts.SERIES_WIDTH);
            assertEquals(2, lines.size(), "a line per target");
            for (List<double[]> line : lines.values()) {
                assertEquals(1 + 2 * 4, line.size(), "a step per client of its target");
            }
        }
    }

    private static Set<String> addresses(List<InetAddress> list) {
        return list.stream().map(InetAddress::getHostAddress).collect(Collectors.toSet());
    }

    @Test
    void plotToAnUnwritablePathIsExit2BeforeTheStorm(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("no-such-dir/storm.svg");

        assertEquals(2, storm("--file", "ARDBP32.BIN", "--plot", missing.toString()), err.toString());

        assertEquals(
                "dsrlb storm: --plot " + missing + ": no such directory: " + missing.getParent() + "\n",
                err.toString());
        assertEquals("", out.toString());
        assertTrue(server.requests().isEmpty(), "no storm for a chart that cannot be written");

        err.getBuffer().setLength(0);
        assertEquals(2, storm("--file", "ARDBP32.BIN", "--plot", dir.toString()), err.toString());
        assertEquals("dsrlb storm: --plot " + dir + ": is a directory: " + dir + "\n", err.toString());
        assertTrue(server.requests().isEmpty());
    }

    @Test
    void helpTellsHowToJoinWithTheBackendsRecord() {
        var cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        assertEquals(0, cl.execute("storm", "--help"));
        String s = out.toString().replaceAll("\\s+", " ");
        assertTrue(s.contains("in DSR every answer comes from the VIP, so a client cannot tell"), s);
        assertTrue(s.contains("lab/served-by"), s);
        assertTrue(s.contains("--no-progress"), s);
        assertTrue(s.contains("--plot FILE.svg also draws the completion times as a CDF"), s);
        assertTrue(s.contains("1 at least one client failed"), s);
        assertTrue(s.contains("--target again names more servers: the clients take them in turn"), s);
        assertTrue(s.contains("with several, the summary also has 'targets'"), s);
    }

    /** The figures of a table row "what<spaces>figures". */
    private static String row(String table, String what) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(what) + " +(.*)$").matcher(table);
        assertTrue(m.find(), what + " in " + table);
        return m.group(1);
    }

    /** A field's JSON value: a string, number, literal or flat object. */
    private static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":(\"(?:[^\"\\\\]|\\\\.)*\"|\\{[^{}]*\\}|[^,}\\]]+)")
                .matcher(json);
        assertTrue(m.find(), name + " in " + json);
        return m.group(1);
    }
}
