package dsrlb.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
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
import org.junit.jupiter.api.io.TempDir;

/**
 * The TFTP monitor of examples/monitored.conf (-interval 2 -resptimeout 1 -retries 2
 * -downTime 2) against real tftpd-hpa backends that fail in the ways PXE farms see.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HealthIT {
    static final long INTERVAL_MS = 2_000;
    static final int RETRIES = 2;
    /** What the issue allows: interval × retries + 1 s from the failure to no new clients. */
    static final long DOWN_BUDGET_MS = INTERVAL_MS * RETRIES + 1_000;

    static final String TFTP1_MAC = "02:d5:1b:64:00:30";

    DsrlbProcess dsrlb;

    @TempDir
    Path tmp;

    @BeforeAll
    void start() throws IOException {
        Lab.requireNamespaces();
        Lab.down();
        Lab.up("--offload", "on");
        dsrlb = DsrlbProcess.start(
                Lab.BASEDIR.resolve("examples/monitored.conf"), "--arp-refresh", "2", "--arp-stale", "7");
    }

    @AfterAll
    void stop() {
        if (dsrlb != null) {
            dsrlb.close();
        }
        Lab.down();
    }

    private String download(String src) throws IOException {
        Path out = tmp.resolve("dl-" + src + "-" + System.nanoTime());
        Lab.Result r = TftpClient.CURL.download(Lab.VIP, "ARDBP32.BIN", out, src, 15);
        assertTrue(r.ok(), src + ": " + r);
        assertEquals(Lab.sha256(Lab.served("ARDBP32.BIN")), Lab.sha256(out), src);
        List<String> backends = Lab.servedBy().get(src);
        assertTrue(backends != null && backends.size() == 1, src + " served by " + backends);
        return backends.get(0);
    }

    /** Waits for a log line matching {@code regex} that was not in the log before; returns ms waited. */
    private long awaitLog(int seenBefore, String regex, long timeoutMs) {
        Pattern p = Pattern.compile(regex);
        long t0 = System.nanoTime();
        while (true) {
            String log = dsrlb.log();
            if (p.matcher(log.substring(Math.min(seenBefore, log.length()))).find()) {
                return (System.nanoTime() - t0) / 1_000_000;
            }
            if ((System.nanoTime() - t0) / 1_000_000 > timeoutMs) {
                throw new AssertionError("no /" + regex + "/ within " + timeoutMs + " ms:\n" + log);
            }
            sleep(20);
        }
    }

    @Test
    @Order(1)
    void aStoppedServerIsTakenOutInTimeItsClientsRepickedAndItComesBack() throws IOException {
        Lab.resetServedBy();
        String persisted = "192.0.2.150";
        String failed = download(persisted);
        String other = failed.equals("tftp1") ? "tftp2" : "tftp1";

        int mark = dsrlb.log().length();
        Lab.check(Lab.runQuietly(30, Lab.BASEDIR.resolve("lab/backend").toString(), "stop", failed), "stop " + failed);
        long waited = awaitLog(mark, "service " + failed + " \\S+ is DOWN \\(monitor tftp-pxe: ", 15_000);
        assertTrue(waited <= DOWN_BUDGET_MS, failed + " DOWN after " + waited + " ms > " + DOWN_BUDGET_MS);

        Lab.resetServedBy();
        for (int i = 151; i <= 154; i++) {
            assertEquals(other, download("192.0.2." + i), "a new client after " + failed + " went DOWN");
        }
        assertEquals(other, download(persisted), "the persisted client is re-picked");

        mark = dsrlb.log().length();
        Lab.check(
                Lab.runQuietly(30, Lab.BASEDIR.resolve("lab/backend").toString(), "start", failed), "start " + failed);
        awaitLog(mark, "service " + failed + " \\S+ is UP", 15_000);
    }

    @Test
    @Order(2)
    void aBackendWithoutTheVipIsDownByTheDsrPathCheckWhileItsOwnAddressAnswers() {
        int mark = dsrlb.log().length();
        Lab.check(Lab.inNamespace("dsrlb-tftp1", 10, "ip", "addr", "del", Lab.VIP + "/32", "dev", "lo"), "del VIP");
        try {
            awaitLog(mark, "service tftp1 \\S+ is DOWN \\(monitor tftp-pxe: DSR path[^\\n]*real address OK", 15_000);
        } finally {
            Lab.inNamespace("dsrlb-tftp1", 10, "ip", "addr", "add", Lab.VIP + "/32", "dev", "lo");
        }
        awaitLog(mark, "service tftp1 \\S+ is UP", 15_000);
    }

    @Test
    @Order(3)
    void aBackendAnsweringArpForTheVipIsReported() {
        int mark = dsrlb.log().length();
        Lab.check(
                Lab.inNamespace(
                        "dsrlb-tftp1",
                        10,
                        "sysctl",
                        "-q",
                        "-w",
                        "net.ipv4.conf.all.arp_ignore=0",
                        "net.ipv4.conf.eth0.arp_ignore=0"),
                "arp_ignore=0");
        try {
            awaitLog(mark, "VIP " + Pattern.quote(Lab.VIP) + " claimed by ARP from MAC " + TFTP1_MAC, 10_000);
        } finally {
            Lab.inNamespace(
                    "dsrlb-tftp1",
                    10,
                    "sysctl",
                    "-q",
                    "-w",
                    "net.ipv4.conf.all.arp_ignore=1",
                    "net.ipv4.conf.eth0.arp_ignore=1");
        }
    }

    @Test
    @Order(99)
    void countersShowTheRepickAndTheConflict() {
        String log = dsrlb.stop();
        assertFalse(dsrlb.isAlive());
        Matcher repicked = Pattern.compile("vserver tftp: \\d+ new clients, \\d+ persistence hits, (\\d+) re-picked")
                .matcher(log);
        assertTrue(repicked.find(), log);
        assertTrue(Long.parseLong(repicked.group(1)) >= 1, log);
        Matcher conflicts = Pattern.compile("VIP ARP conflicts (\\d+)").matcher(log);
        assertTrue(conflicts.find(), log);
        assertTrue(Long.parseLong(conflicts.group(1)) >= 1, log);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
