package dsrlb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dsrlb.status.Json;
import dsrlb.tftp.FakeTftpServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine.TypeConversionException;

class ProbeCommandTest {
    static final byte[] FILE = new byte[100_000];

    static {
        new Random(7).nextBytes(FILE);
    }

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

    private int probe(String... args) {
        List<String> all = new ArrayList<>(List.of(
                "probe",
                "--host",
                "127.0.0.1",
                "--port",
                String.valueOf(server.port()),
                "--timeout",
                "300ms",
                "--retries",
                "1"));
        all.addAll(List.of(args));
        var cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(all.toArray(String[]::new));
    }

    @Test
    void anAvailableRunIsOneLineWith100PercentAndExit0() {
        assertEquals(0, probe());

        String line = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z host 127\\.0\\.0\\.1 port " + server.port()
                + " file ARDBP32\\.BIN availability 100 % response time \\d+\\.\\d{3} s bytes 100000\n";
        assertTrue(out.toString().matches(line), out.toString());
    }

    @Test
    void aMissingFileIs0PercentWithTheTftpErrorAndExit1() {
        assertEquals(1, probe("--file", "nosuch.bin"));

        String s = out.toString();
        assertTrue(s.contains(" file nosuch.bin availability 0 % "), s);
        assertTrue(s.contains("\n  diagnosis: TFTP error 1 (File not found)\n"), s);
        assertTrue(
                s.contains("\n  kind TFTP_ERROR, stage WAITING_FIRST_REPLY, last block 0, answered from 127.0.0.1:"),
                s);
        assertTrue(s.contains("\n  trace:\n    +"), s);
        assertTrue(s.contains("-> RRQ nosuch.bin blksize=1428 tsize=0"), s);
    }

    @Test
    void countRunsThatManyTimes() {
        assertEquals(0, probe("--count", "3", "--period", "0s"));

        assertEquals(
                3,
                out.toString()
                        .lines()
                        .filter(l -> l.contains("availability 100 %"))
                        .count(),
                out.toString());
    }

    @Test
    void aWrongHashMakesTheRunUnavailable() {
        assertEquals(0, probe("--expect-sha256", sha256(FILE).toUpperCase(Locale.ROOT), "--expect-size", "100000"));
        assertEquals(1, probe("--expect-sha256", sha256(new byte[0])));

        assertTrue(out.toString().contains("kind HASH_MISMATCH, stage VERIFYING"), out.toString());
    }

    @Test
    void jsonHasOneObjectPerRunWithTheFields() {
        assertEquals(0, probe("--json"));

        String s = out.toString();
        assertEquals(1, s.lines().count(), s);
        assertField(s, "time", "\"\\d{4}-[^\"]+Z\"");
        assertField(s, "host", "\"127.0.0.1\"");
        assertField(s, "port", String.valueOf(server.port()));
        assertField(s, "file", "\"ARDBP32.BIN\"");
        assertField(s, "availability", "100");
        assertField(s, "responseTimeSeconds", "\\d+\\.\\d{3}");
        assertField(s, "bytes", "100000");
        assertField(s, "blksize", "1428");
        assertField(s, "sha256", "\"" + sha256(FILE) + "\"");
        assertField(s, "diagnosis", "null");
        assertTrue(s.startsWith("{") && s.endsWith("}\n"), s);
    }

    @Test
    void jsonCarriesTheDiagnosisOfAFailedRun() {
        assertEquals(1, probe("--json", "--file", "nosuch.bin"));

        String s = out.toString();
        assertField(s, "availability", "0");
        assertField(s, "sha256", "null");
        assertField(s, "stage", "\"WAITING_FIRST_REPLY\"");
        assertField(s, "lastBlock", "0");
        assertField(s, "kind", "\"TFTP_ERROR\"");
        assertField(s, "errorCode", "1");
        assertField(s, "errorMessage", "\"File not found\"");
        assertField(s, "reason", "\"TFTP error 1 \\(File not found\\)\"");
        assertField(s, "trace", "\\[\"\\+[0-9.]+s -> RRQ nosuch.bin blksize=1428 tsize=0 to 127.0.0.1:\\d+\",.*\\]");
    }

    @Test
    void jsonStringsAreEscaped() {
        assertEquals("\"a\\\"b\\\\c\\nd\\te\\u0001f\\u00e9\\u2192\"", Json.write("a\"b\\c\nd\te\u0001f\u00e9\u2192"));
    }

    @Test
    void nagiosOkLineWithPerfdata() {
        assertEquals(0, probe("--nagios"));

        assertTrue(
                out.toString()
                        .matches(
                                "TFTP OK - 100000 bytes in \\d+\\.\\d{3} s\\|time=\\d+\\.\\d{3}s;;;0 size=100000B;;;0\n"),
                out.toString());
    }

    @Test
    void nagiosWarningAboveTheWarningThreshold() {
        // Any real download takes more than 0 s.
        assertEquals(1, probe("--nagios", "--warning", "0", "--critical", "1m"));

        assertTrue(
                out.toString()
                        .matches("TFTP WARNING - 100000 bytes in \\d+\\.\\d{3} s, above 0\\.000 s"
                                + "\\|time=\\d+\\.\\d{3}s;0\\.000;60\\.000;0 size=100000B;;;0\n"),
                out.toString());
    }

    @Test
    void nagiosCriticalAboveTheCriticalThreshold() {
        assertEquals(2, probe("--nagios", "--critical", "0ms"));

        assertTrue(out.toString().startsWith("TFTP CRITICAL - 100000 bytes in "), out.toString());
    }

    @Test
    void nagiosCriticalWhenUnavailable() {
        assertEquals(2, probe("--nagios", "--file", "nosuch.bin"));

        assertTrue(
                out.toString()
                        .matches(
                                "TFTP CRITICAL - nosuch\\.bin from 127\\.0\\.0\\.1:\\d+: TFTP error 1 "
                                        + "\\(File not found\\) \\(WAITING_FIRST_REPLY, last block 0\\)\\|time=\\d+\\.\\d{3}s;;;0 size=0B;;;0\n"),
                out.toString());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "--port x|Invalid value for option '--port'",
                "--timeout soon|'soon' is not a duration",
                "--bogus|Unknown option: '--bogus'",
                "--count 0|--count must be at least 1",
                "--blksize 4|--blksize must be 0 or 8..65464",
                "--expect-sha256 abc|--expect-sha256 must be 64 hex digits",
                "--warning 1s|--warning and --critical need --nagios"
            })
    void badArgumentsAreExit2AndUnknownUnderNagios(String args, String message) {
        String[] a = args.split(" ");
        assertEquals(2, probe(a), err.toString());
        assertTrue(err.toString().contains(message), err.toString());

        List<String> withNagios = new ArrayList<>(List.of(a));
        if (!withNagios.contains("--nagios")) {
            withNagios.add("--nagios");
        }
        if (args.startsWith("--warning")) {
            return; // valid under --nagios
        }
        assertEquals(3, probe(withNagios.toArray(String[]::new)), err.toString());
    }

    @Test
    void ourOwnArgumentChecksPrintUnknownUnderNagios() {
        assertEquals(3, probe("--nagios", "--warning", "2s", "--critical", "1s"));
        assertEquals(3, probe("--json", "--nagios"));

        assertEquals("""
                TFTP UNKNOWN - --warning must not be above --critical
                TFTP UNKNOWN - --json and --nagios exclude each other
                """, out.toString());
    }

    @Test
    void aMissingHostIsExit2() {
        var cl = Main.commandLine();
        cl.setErr(new PrintWriter(err, true));
        assertEquals(2, cl.execute("probe"));
        assertTrue(err.toString().contains("Missing required option: '--host=HOST'"), err.toString());
        assertEquals(3, cl.execute("probe", "--nagios"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"30s,30000", "500ms,500", "2m,120000", "5,5000", "1.5,1500", "0.25s,250"})
    void durationsTakeAUnitOrPlainSeconds(String text, long millis) {
        assertEquals(Duration.ofMillis(millis), new ProbeCommand.DurationConverter().convert(text));
    }

    @Test
    void aDurationWithoutANumberIsRejected() {
        ProbeCommand.DurationConverter c = new ProbeCommand.DurationConverter();
        assertThrows(TypeConversionException.class, () -> c.convert("-1s"));
        assertThrows(TypeConversionException.class, () -> c.convert("1h"));
        assertFalse(out.toString().contains("TFTP"));
    }

    private static void assertField(String json, String name, String valueRegex) {
        Matcher m =
                Pattern.compile("[{,]\"" + name + "\":(" + valueRegex + ")[,}]").matcher(json);
        assertTrue(m.find(), name + " ~ " + valueRegex + " in " + json);
    }

    static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
