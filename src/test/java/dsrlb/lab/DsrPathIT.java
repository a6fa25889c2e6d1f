package dsrlb.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The seed article's setup end to end: dsrlb with examples/seed.conf in the lb namespace,
 * real tftpd-hpa (or dnsmasq) backends holding the VIP on loopback, real clients fetching
 * through the VIP. Subclasses pick the lab variant.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class DsrPathIT {
    static final List<String> FILES = List.of("empty.bin", "b511.bin", "b512.bin", "k64.bin", "m5.bin");

    DsrlbProcess dsrlb;

    @TempDir
    Path tmp;

    /** Options for lab/up. */
    abstract String[] labOptions();

    /** True when the lab's veths leave UDP checksums partial, so dsrlb must complete them. */
    abstract boolean offloadOn();

    /** Extra `dsrlb run` arguments, e.g. the engine. */
    String[] dsrlbArgs() {
        return new String[0];
    }

    @BeforeAll
    void startLab() throws IOException {
        Lab.requireNamespaces();
        Lab.down();
        Lab.up(labOptions());
        dsrlb = DsrlbProcess.start(Lab.BASEDIR.resolve("examples/seed.conf"), dsrlbArgs());
    }

    @AfterAll
    void stopLab() {
        if (dsrlb != null) {
            dsrlb.close();
        }
        Lab.down();
    }

    static Stream<Arguments> clientsAndFiles() {
        List<Arguments> args = new ArrayList<>();
        for (TftpClient c : TftpClient.values()) {
            for (String f : FILES) {
                args.add(Arguments.of(c, f));
            }
        }
        return args.stream();
    }

    @ParameterizedTest(name = "{0} gets {1}")
    @MethodSource("clientsAndFiles")
    @Order(1)
    void downloadsAnIntactFileThroughTheVip(TftpClient client, String file) throws IOException {
        Path out = tmp.resolve(client.name() + "-" + file);
        // Bounded so that a broken forwarder fails the suite in minutes, not hours; through
        // dsrlb m5.bin takes a few seconds, the others well under one.
        Lab.Result r = client.download(Lab.VIP, file, out, "192.0.2.10", file.equals("m5.bin") ? 60 : 15);
        assertTrue(r.ok(), client + " " + file + ": " + r);
        assertTrue(Files.exists(out), "no file written: " + r);
        assertEquals(Files.size(Lab.served(file)), Files.size(out), "size of " + file);
        assertEquals(Lab.sha256(Lab.served(file)), Lab.sha256(out), "sha256 of " + file);
    }

    @Test
    @Order(2)
    void twentyClientsAreSpreadOverBothBackendsEachOnOne() throws IOException {
        Lab.resetServedBy();
        List<String> clients = new ArrayList<>();
        for (int i = 100; i < 120; i++) {
            clients.add("192.0.2." + i);
        }
        for (String src : clients) {
            Path out = tmp.resolve("spread-" + src);
            Lab.Result r = TftpClient.CURL.download(Lab.VIP, "ARDBP32.BIN", out, src, 15);
            assertTrue(r.ok(), src + ": " + r);
            assertEquals(Lab.sha256(Lab.served("ARDBP32.BIN")), Lab.sha256(out), src);
        }
        Map<String, List<String>> served = Lab.servedBy();
        int tftp1 = 0;
        int tftp2 = 0;
        for (String src : clients) {
            List<String> backends = served.get(src);
            assertTrue(backends != null && backends.size() == 1, src + " served by " + backends);
            if (backends.get(0).equals("tftp1")) {
                tftp1++;
            } else {
                tftp2++;
            }
        }
        assertTrue(tftp1 >= 5 && tftp2 >= 5, "20 clients: tftp1 " + tftp1 + ", tftp2 " + tftp2);
    }

    @Test
    @Order(3)
    void aClientStaysOnItsBackendAcrossDownloads() throws IOException {
        Lab.resetServedBy();
        String src = "192.0.2.130";
        for (int i = 0; i < 6; i++) {
            TftpClient client = i % 2 == 0 ? TftpClient.TFTP_HPA : TftpClient.CURL;
            Path out = tmp.resolve("persist-" + i);
            Lab.Result r = client.download(Lab.VIP, "ARDBP32.BIN", out, src, 15);
            assertTrue(r.ok(), client + ": " + r);
            assertEquals(Lab.sha256(Lab.served("ARDBP32.BIN")), Lab.sha256(out));
        }
        assertEquals(1, Lab.servedBy().get(src).size(), "one backend for " + src + ": " + Lab.servedBy());
    }

    @Test
    @Order(4)
    void onlyDsrlbAnswersArpForTheVip() {
        Lab.Result r = Lab.inNamespace(Lab.ROUTER_NS, 20, "arping", "-c", "3", "-w", "6", "-I", "eth1", Lab.VIP);
        Matcher m = Pattern.compile("reply from " + Pattern.quote(Lab.VIP) + " \\[([0-9A-Fa-f:]{17})\\]")
                .matcher(r.out());
        List<String> macs = new ArrayList<>();
        while (m.find()) {
            macs.add(m.group(1).toLowerCase(Locale.ROOT));
        }
        assertFalse(macs.isEmpty(), "no ARP reply for the VIP: " + r);
        String lb = Lab.lbMac().toLowerCase(Locale.ROOT);
        for (String mac : macs) {
            assertEquals(lb, mac, "ARP replies for the VIP: " + macs);
        }
    }

    @Test
    @Order(5)
    void aFrameToANonVipAddressIsNotForwarded() throws IOException {
        String lbMac = Lab.lbMac();
        long before = Lab.directCount("tftp1");
        // Make the router send frames for tftp1's real address to dsrlb's MAC.
        Lab.check(
                Lab.inNamespace(
                        Lab.ROUTER_NS,
                        10,
                        "ip",
                        "neigh",
                        "replace",
                        "198.51.100.30",
                        "lladdr",
                        lbMac,
                        "dev",
                        "eth1",
                        "nud",
                        "permanent"),
                "static neighbour");
        try {
            Lab.Result r =
                    TftpClient.CURL.download("198.51.100.30", "b512.bin", tmp.resolve("nonvip"), "192.0.2.140", 4);
            assertFalse(r.ok(), "a download from tftp1's real address must not get through dsrlb: " + r);
            assertEquals(before, Lab.directCount("tftp1"), "tftp1 received frames meant for its real address");
        } finally {
            Lab.inNamespace(Lab.ROUTER_NS, 10, "ip", "neigh", "del", "198.51.100.30", "dev", "eth1");
        }
        // The control: the same request without the detour is seen by the counter.
        Path out = tmp.resolve("direct");
        Lab.Result direct = TftpClient.CURL.download("198.51.100.30", "b512.bin", out, "192.0.2.140", 20);
        assertTrue(direct.ok(), direct.toString());
        assertTrue(Lab.directCount("tftp1") > before, "the direct counter counts direct traffic");
    }

    /**
     * On a user-space engine every client packet of the suite's downloads went through dsrlb; on
     * the kernel path (what dsrlb picks by itself here, as root) the kernel carried the ACK
     * streams and dsrlb only the clients' first packets.
     */
    void assertForwardedByDsrlb(long forwarded, String log) {
        if (!log.contains(", engine offload\n")) {
            assertTrue(forwarded > 10_000, "forwarded " + forwarded);
            return;
        }
        Matcher m = Pattern.compile("offload: kernel forwarded (\\d+) packets").matcher(log);
        assertTrue(m.find(), "no offload line in:\n" + log);
        long kernel = Long.parseLong(m.group(1));
        assertTrue(kernel > 10_000, "the kernel forwarded only " + kernel);
        assertTrue(forwarded * 20 < kernel, "dsrlb forwarded " + forwarded + ", the kernel " + kernel);
    }

    @Test
    @Order(99)
    void stopsOnSigtermAndReportsItsCounters() {
        String log = dsrlb.stop();
        assertFalse(dsrlb.isAlive());
        Matcher m = Pattern.compile("counters: received (\\d+), forwarded (\\d+), checksums completed (\\d+)")
                .matcher(log);
        assertTrue(m.find(), "no counters line in:\n" + log);
        long forwarded = Long.parseLong(m.group(2));
        long completed = Long.parseLong(m.group(3));
        assertForwardedByDsrlb(forwarded, log);
        if (offloadOn()) {
            assertTrue(completed > 0, "offload on: partial checksums must have been completed:\n" + log);
        } else {
            assertEquals(0, completed, "offload off: every checksum arrives complete");
        }
    }
}
