package dsrlb.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
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
 * {@code dsrlb probe} (the real jar) from the client namespace against the lab's real
 * tftpd-hpa: a backend's own address, a port with nothing behind it, a missing file, and the
 * VIP through dsrlb.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ProbeIT {
    static final String TFTP1 = "198.51.100.30";

    DsrlbProcess dsrlb;

    @BeforeAll
    void startLab() {
        Lab.requireNamespaces();
        Lab.up("--offload", "on");
    }

    @AfterAll
    void stopLab() {
        if (dsrlb != null) {
            dsrlb.close();
        }
        Lab.down();
    }

    /** The probe in the client namespace; every run ends by itself, the bound is for a broken build. */
    static Lab.Result probe(String... args) {
        List<String> cmd = new ArrayList<>(List.of("java", "-jar", Lab.JAR.toString(), "probe"));
        cmd.addAll(List.of(args));
        return Lab.inNamespace(Lab.CLIENT_NS, 60, cmd.toArray(String[]::new));
    }

    @Test
    @Order(1)
    void aBackendIsAvailableWithAResponseTime() throws IOException {
        long size = Files.size(Lab.served("ARDBP32.BIN"));

        Lab.Result r = probe("--host", TFTP1, "--file", "ARDBP32.BIN");

        assertEquals(0, r.exit(), r.toString());
        assertTrue(
                r.out()
                        .matches("\\S+Z host " + Pattern.quote(TFTP1) + " port 69 file ARDBP32\\.BIN availability 100 %"
                                + " response time \\d+\\.\\d{3} s bytes " + size + "\n"),
                r.toString());
    }

    @Test
    @Order(2)
    void theServedFilesHashAndSizePassAndTheAnswerComesFromANewPort() throws IOException {
        for (String file : List.of("ARDBP32.BIN", "m5.bin", "empty.bin", "b512.bin")) {
            String sha = Lab.sha256(Lab.served(file));
            long size = Files.size(Lab.served(file));

            Lab.Result r = probe(
                    "--host",
                    TFTP1,
                    "--file",
                    file,
                    "--expect-sha256",
                    sha,
                    "--expect-size",
                    String.valueOf(size),
                    "--json");

            assertEquals(0, r.exit(), r.toString());
            assertEquals("100", field(r.out(), "availability"), r.toString());
            assertEquals("\"" + sha + "\"", field(r.out(), "sha256"), r.toString());
            assertEquals(String.valueOf(size), field(r.out(), "bytes"), r.toString());
            assertEquals("1428", field(r.out(), "blksize"), r.toString());
            String tid = field(r.out(), "serverTid");
            assertTrue(tid.startsWith("\"" + TFTP1 + ":"), r.toString());
            assertNotEquals("\"" + TFTP1 + ":69\"", tid, "tftpd-hpa answers from a new port");
        }
    }

    @Test
    @Order(3)
    void aWrongHashIsUnavailable() {
        Lab.Result r = probe("--host", TFTP1, "--file", "ARDBP32.BIN", "--expect-sha256", "0".repeat(64));

        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.out().contains("availability 0 %"), r.toString());
        assertTrue(r.out().contains("kind HASH_MISMATCH, stage VERIFYING"), r.toString());
    }

    @Test
    @Order(4)
    void aPortWithNoServerIsUnavailableWithTheReason() {
        Lab.Result r = probe("--host", TFTP1, "--port", "6969", "--timeout", "1s", "--retries", "1");

        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.out().contains(" port 6969 file ARDBP32.BIN availability 0 % "), r.toString());
        // tftp1's kernel answers with ICMP port unreachable (unless its ICMP rate limit swallowed it).
        assertTrue(
                r.out().contains("  diagnosis: ICMP port unreachable from " + TFTP1 + ":6969\n")
                        || r.out().contains("  diagnosis: timeout waiting for the first reply after 1 retry\n"),
                r.toString());
        assertTrue(r.out().contains("stage WAITING_FIRST_REPLY, last block 0, no answer"), r.toString());
    }

    @Test
    @Order(5)
    void aMissingFileIsUnavailableWithTftpError1() {
        Lab.Result r = probe("--host", TFTP1, "--file", "nosuch.bin");

        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.out().contains(" file nosuch.bin availability 0 % "), r.toString());
        assertTrue(r.out().contains("  diagnosis: TFTP error 1 ("), r.toString());
        assertTrue(
                r.out()
                        .contains("kind TFTP_ERROR, stage WAITING_FIRST_REPLY, last block 0, answered from " + TFTP1
                                + ":"),
                r.toString());
    }

    @Test
    @Order(6)
    void nagiosExitCodes() {
        Lab.Result ok = probe("--host", TFTP1, "--nagios", "--warning", "10s", "--critical", "20s");
        assertEquals(0, ok.exit(), ok.toString());
        assertTrue(
                ok.out()
                        .matches("TFTP OK - \\d+ bytes in \\d+\\.\\d{3} s\\|time=\\d+\\.\\d{3}s;10\\.000;20\\.000;0"
                                + " size=\\d+B;;;0\n"),
                ok.toString());

        Lab.Result warning = probe("--host", TFTP1, "--nagios", "--warning", "0");
        assertEquals(1, warning.exit(), warning.toString());
        assertTrue(warning.out().startsWith("TFTP WARNING - "), warning.toString());

        Lab.Result critical = probe("--host", TFTP1, "--nagios", "--file", "nosuch.bin");
        assertEquals(2, critical.exit(), critical.toString());
        assertTrue(
                critical.out().startsWith("TFTP CRITICAL - nosuch.bin from " + TFTP1 + ":69: TFTP error 1 ("),
                critical.toString());

        Lab.Result unknown = probe("--host", TFTP1, "--nagios", "--blksize", "4");
        assertEquals(3, unknown.exit(), unknown.toString());
        assertTrue(unknown.out().startsWith("TFTP UNKNOWN - "), unknown.toString());
    }

    @Test
    @Order(7)
    void theVipThroughDsrlbAnswersFromTheVip() throws IOException {
        dsrlb = DsrlbProcess.start(Lab.BASEDIR.resolve("examples/seed.conf"));
        String sha = Lab.sha256(Lab.served("ARDBP32.BIN"));

        Lab.Result r = probe(
                "--host",
                Lab.VIP,
                "--source",
                "192.0.2.10",
                "--expect-sha256",
                sha,
                "--json",
                "--count",
                "2",
                "--period",
                "0");

        assertEquals(0, r.exit(), r.toString() + "\n--- dsrlb\n" + dsrlb.log());
        assertEquals(2, r.out().lines().count(), r.toString());
        for (String line : r.out().lines().toList()) {
            assertEquals("100", field(line, "availability"), r.toString());
            assertTrue(
                    field(line, "serverTid").startsWith("\"" + Lab.VIP + ":"), "DSR answers come from the VIP: " + r);
        }
    }

    /** The JSON value of a top-level field, as written (strings with their quotes). */
    static String field(String json, String name) {
        Matcher m = Pattern.compile("[{,]\"" + name + "\":(\"[^\"]*\"|[^,}]*)").matcher(json);
        return m.find() ? m.group(1) : "(no " + name + ")";
    }
}
