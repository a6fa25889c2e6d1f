package dsrlb.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dsrlb.control.ResponseReader;
import dsrlb.status.GlobalReport;
import dsrlb.status.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * One dsrlb on an 802.1Q trunk (lab/up --vlan, examples/vlan.conf): VLAN 100 holds VIP
 * 198.51.100.20 and tftp1, VLAN 200 holds VIP 198.51.100.140 and tftp2, both reach dsrlb-lb's
 * eth0 tagged. Real clients download through both VIPs, each from the server on its VLAN; the
 * frames dsrlb sends leave tagged; ARP for a VIP asked on the other VLAN gets no answer.
 *
 * <p>The default engine is the kernel path (offload): the kernel's counters and maps say that
 * it carried the bulk of each transfer, each VIP's clients only from its own VLAN to that VLAN's
 * server, and every frame it sent left with the tag it came with. A storm through each VIP runs
 * under the default engine, under {@code --engine offload} and under {@code --engine native}
 * (the user-space baseline, printed next to it); the lab's trunk (lab/vlan-trunk) drops an
 * untagged frame, so a lost tag would also fail the transfer.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class VlanIT extends DsrlbLabTest {
    static final String VIP_A = "198.51.100.20";
    static final String VIP_B = "198.51.100.140";

    @Override
    String[] labOptions() {
        return new String[] {"--vlan"};
    }

    @Override
    Path config() {
        return Lab.BASEDIR.resolve("examples/vlan.conf");
    }

    private GlobalReport stat() throws Json.JsonException {
        return ResponseReader.of(Lab.cli(socket, "stat", "lb", "vserver")).global();
    }

    @Test
    @Order(1)
    void theDefaultEngineIsTheKernelPathOnBothVlans() {
        String log = dsrlb.log();
        assertFalse(log.contains("offload skipped"), "auto does not skip the kernel path:\n" + log);
        assertTrue(log.contains("engine offload (chosen by --engine auto)"), "auto takes offload:\n" + log);
        assertTrue(log.contains("offload: VIP #0 (vlan 100) forwarded by the kernel"), log);
        assertTrue(log.contains("offload: VIP #1 (vlan 200) forwarded by the kernel"), log);
        assertTrue(log.contains("gratuitous ARP: 198.51.100.20 is at") && log.contains("(vlan 100)"), log);
        assertTrue(log.contains("(vlan 200)"), log);
    }

    @Test
    @Order(2)
    void clientsDownloadThroughEachVipFromTheServerOnItsVlan() throws Exception {
        Lab.resetServedBy();
        long[] kernelBefore = {kernelPackets(0), kernelPackets(1)};
        Path tmp = Files.createTempDirectory(dir, "downloads");
        record Case(TftpClient client, String vip, String src, String file, String backend) {}
        List<Case> cases = List.of(
                new Case(TftpClient.CURL, VIP_A, "192.0.2.101", "m5.bin", "tftp1"),
                new Case(TftpClient.TFTP_HPA, VIP_A, "192.0.2.102", "k64.bin", "tftp1"),
                new Case(TftpClient.CURL, VIP_B, "192.0.2.103", "m5.bin", "tftp2"),
                new Case(TftpClient.TFTP_HPA, VIP_B, "192.0.2.104", "k64.bin", "tftp2"));
        for (Case c : cases) {
            Path out = tmp.resolve(c.client() + "-" + c.src() + "-" + c.file());
            Lab.Result r = c.client().download(c.vip(), c.file(), out, c.src(), 60);
            assertTrue(r.ok(), c + ": " + r + "\n" + dsrlb.log());
            assertEquals(Lab.sha256(Lab.served(c.file())), Lab.sha256(out), c + ": file intact");
        }
        Map<String, List<String>> served = Lab.servedBy();
        for (Case c : cases) {
            assertEquals(List.of(c.backend()), served.get(c.src()), c + " served by the server on its VLAN: " + served);
        }
        assertEquals(0, Lab.directCount("tftp1"));
        assertEquals(0, Lab.directCount("tftp2"));
        GlobalReport g = stat();
        assertTrue(g.forwarded() > 0, g.toString());
        // m5.bin is 10 240 blocks of curl's 512 bytes: its ACKs are the bulk, and the kernel carried them.
        long kernelA = kernelPackets(0) - kernelBefore[0];
        long kernelB = kernelPackets(1) - kernelBefore[1];
        System.out.printf(
                java.util.Locale.ROOT,
                "downloads: kernel forwarded %d frames on VLAN 100, %d on VLAN 200; dsrlb %d in all%n",
                kernelA,
                kernelB,
                g.forwarded());
        assertTrue(kernelA >= 3_000 && kernelB >= 3_000, "kernel: VLAN 100 " + kernelA + ", VLAN 200 " + kernelB);
        Map<String, String> mapA = kernelMap(0);
        Map<String, String> mapB = kernelMap(1);
        for (Case c : cases) {
            Map<String, String> own = c.vip().equals(VIP_A) ? mapA : mapB;
            Map<String, String> other = c.vip().equals(VIP_A) ? mapB : mapA;
            assertEquals(BACKEND_MAC.get(c.backend()), own.get(c.src()), c + " in its VIP's kernel map: " + own);
            assertFalse(other.containsKey(c.src()), c + " not in the other VLAN's map: " + other);
        }
    }

    @Test
    @Order(3)
    void framesLeaveDsrlbTaggedAlsoThoseTheKernelForwards() throws Exception {
        for (Object[] c : new Object[][] {{100, VIP_A, "192.0.2.105", "tftp1"}, {200, VIP_B, "192.0.2.106", "tftp2"}}) {
            int vlan = (int) c[0];
            long kernelBefore = kernelPackets(vlan == 100 ? 0 : 1);
            List<String> frames = capturedWhileDownloading(vlan, (String) c[1], (String) c[2]);
            long kernel = kernelPackets(vlan == 100 ? 0 : 1) - kernelBefore;
            // 300 of m5.bin's 10 240 ACKs: all but the first few are the kernel's (checked by its counter).
            assertEquals(CAPTURED, frames.size(), "frames from dsrlb's MAC on the trunk: " + frames);
            assertTrue(kernel >= 3_000, "the kernel forwarded this download: " + kernel);
            String to = "> " + BACKEND_MAC.get((String) c[3]) + ", ethertype 802.1Q (0x8100)";
            for (String f : frames) {
                assertTrue(
                        f.contains(to) && f.contains(": vlan " + vlan + ",") && f.contains((String) c[2]),
                        "every frame leaves tagged " + vlan + " to " + c[3] + ": " + f);
            }
        }
    }

    /** How many of dsrlb's (and its kernel path's) frames a capture takes. */
    static final int CAPTURED = 300;

    /**
     * tcpdump on the switch's side of dsrlb's trunk port, during an m5.bin download: every UDP frame
     * from dsrlb's MAC, tagged or not ("udp" also matches a tagged frame: Linux captures it
     * without the tag in the data), as "-e" prints them, tag included.
     */
    private List<String> capturedWhileDownloading(int vlan, String vip, String src) throws Exception {
        Path text = dir.resolve("p-lb-" + vlan + ".txt");
        Process capture = new ProcessBuilder(
                        "ip",
                        "netns",
                        "exec",
                        "dsrlb-sw",
                        "timeout",
                        "30",
                        "tcpdump",
                        "-i",
                        "p-lb",
                        "-nn",
                        "-e",
                        "-l",
                        "-c",
                        Integer.toString(CAPTURED),
                        "ether src " + Lab.lbMac() + " and udp")
                .redirectErrorStream(true)
                .redirectOutput(text.toFile())
                .start();
        try {
            waitForCapture(text);
            Lab.Result r = TftpClient.CURL.download(vip, "m5.bin", dir.resolve("tagged-" + vlan), src, 60);
            assertTrue(r.ok(), r.toString());
            assertTrue(capture.waitFor(40, TimeUnit.SECONDS), "tcpdump ended");
        } finally {
            capture.destroy();
        }
        return Files.readString(text, StandardCharsets.UTF_8)
                .lines()
                .filter(l -> l.contains(" > "))
                .toList();
    }

    private static void waitForCapture(Path pcap) throws IOException, InterruptedException {
        for (int i = 0; i < 50; i++) {
            if (Files.readString(pcap, StandardCharsets.UTF_8).contains("listening on")) {
                return;
            }
            Thread.sleep(100);
        }
    }

    @Test
    @Order(4)
    void arpForAVipAskedOnTheOtherVlanGetsNoAnswer() throws Exception {
        long before = stat().drops().getOrDefault("wrong_vlan", 0L);
        Lab.Result right = Lab.inNamespace(Lab.ROUTER_NS, 10, "arping", "-c", "2", "-w", "3", "-I", "eth1", VIP_A);
        assertEquals(0, right.exit(), "asked on its own VLAN, the VIP answers: " + right);
        assertTrue(
                right.out().contains(Lab.lbMac().toUpperCase(java.util.Locale.ROOT))
                        || right.out().toLowerCase(java.util.Locale.ROOT).contains(Lab.lbMac()),
                right.out());
        Lab.Result wrong = Lab.inNamespace(Lab.ROUTER_NS, 10, "arping", "-c", "2", "-w", "3", "-I", "eth3", VIP_A);
        assertFalse(wrong.ok(), "VLAN 100's VIP asked on VLAN 200 answers nothing: " + wrong);
        assertTrue(wrong.out().contains("Received 0 response"), wrong.out());
        long after = stat().drops().getOrDefault("wrong_vlan", 0L);
        assertTrue(after - before >= 2, "counted as wrong_vlan: " + before + " -> " + after);
    }

    /**
     * Frames a switch port could hand the trunk, sent from the switch's side of dsrlb's port: a
     * client of VIP A that the kernel already forwards (192.0.2.101, in VIP A's map since the
     * downloads), once tagged 100, once tagged 200, once untagged.
     */
    private static final String INJECT = """
            import socket, struct, sys
            def frame(vid):
                ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + 12, 0, 0, 64, 17, 0,
                                 socket.inet_aton("192.0.2.101"), socket.inet_aton(sys.argv[2]))
                words = struct.unpack("!10H", ip)
                total = sum(words)
                total = (total & 0xFFFF) + (total >> 16)
                ip = ip[:10] + struct.pack("!H", 0xFFFF - ((total & 0xFFFF) + (total >> 16))) + ip[12:]
                udp = struct.pack("!HHHH", 40000, 9, 12, 0) + b"vlan"
                tag = struct.pack("!HH", 0x8100, vid) if vid else b""
                return bytes.fromhex(sys.argv[1].replace(":", "")) + bytes.fromhex("02d51b640001") + tag + b"\\x08\\x00" + ip + udp
            s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
            s.bind(("p-lb", 0))
            for _ in range(5):
                s.send(frame(int(sys.argv[3])))
            """;

    @Test
    @Order(5)
    void aKnownClientsFrameOnAnotherVlanOrUntaggedIsNeverForwardedByTheKernel() throws Exception {
        assertTrue(kernelMap(0).containsKey("192.0.2.101"), "the client is in VIP A's map: " + kernelMap(0));
        for (int vid : new int[] {200, 0, 100}) {
            long wrongBefore = stat().drops().getOrDefault("wrong_vlan", 0L);
            long kernelBefore = kernelPackets(0);
            Lab.check(
                    Lab.inNamespace("dsrlb-sw", 10, "python3", "-c", INJECT, Lab.lbMac(), VIP_A, Integer.toString(vid)),
                    "inject");
            Thread.sleep(300);
            long wrong = stat().drops().getOrDefault("wrong_vlan", 0L) - wrongBefore;
            long kernel = kernelPackets(0) - kernelBefore;
            if (vid == 100) {
                assertEquals(5, kernel, "on its own VLAN the kernel forwards the known client");
                assertEquals(0, wrong);
            } else {
                assertEquals(0, kernel, "tag " + vid + ": the kernel's rule for VLAN 100 does not take it");
                assertEquals(5, wrong, "tag " + vid + ": dsrlb gets it and drops it as wrong_vlan");
            }
        }
    }

    @Test
    @Order(6)
    void aStormThroughEachVipUnderTheDefaultEngine() throws Exception {
        stormBothVlans("default (offload)", true);
    }

    @Test
    @Order(7)
    void aStormThroughEachVipUnderEngineOffload() throws Exception {
        restart("--engine", "offload");
        assertTrue(dsrlb.log().contains("engine offload"), dsrlb.log());
        assertFalse(dsrlb.log().contains("chosen by --engine auto"), dsrlb.log());
        stormBothVlans("--engine offload", true);
    }

    @Test
    @Order(8)
    void aStormThroughEachVipUnderEngineNativeIsTheUserSpaceBaseline() throws Exception {
        restart("--engine", "native");
        stormBothVlans("--engine native", false);
        System.out.printf(
                java.util.Locale.ROOT,
                "VLAN storms (%d clients a VIP, ARDBP32.BIN): seconds %s%n",
                STORM_CLIENTS,
                stormSeconds);
    }

    @Test
    @Order(9)
    void thePcapEngineServesBothVlansToo() throws Exception {
        restart("--engine", "pcap");
        for (String[] c : new String[][] {{VIP_A, "192.0.2.107"}, {VIP_B, "192.0.2.108"}}) {
            Path out = dir.resolve("pcap-" + c[1]);
            Lab.Result r = TftpClient.TFTP_HPA.download(c[0], "k64.bin", out, c[1], 30);
            assertTrue(r.ok(), "pcap engine via " + c[0] + ": " + r + "\n" + dsrlb.log());
            assertEquals(Lab.sha256(Lab.served("k64.bin")), Lab.sha256(out));
        }
    }

    private void restart(String... args) throws IOException {
        dsrlb.close();
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--control-socket", socket.toString()));
        dsrlb = DsrlbProcess.start(config(), all.toArray(String[]::new));
    }

    /** Clients a VIP in each storm: 192.0.2.32-131 through VIP A, 192.0.2.132-231 through VIP B. */
    static final int STORM_CLIENTS = 100;

    private final Map<String, String> stormSeconds = new LinkedHashMap<>();

    /**
     * A storm through VIP A, then one through VIP B: every client completes with ARDBP32.BIN
     * intact, served (lab/served-by) by the one server of the VIP's VLAN; with the kernel path,
     * the kernel forwarded the bulk of it (its counter for that VIP, nothing on the other VIP's)
     * and its map sends each client to that server's MAC.
     */
    private void stormBothVlans(String engine, boolean kernelPath) throws Exception {
        String sha = Lab.sha256(Lab.served("ARDBP32.BIN"));
        record Storm(int vipIndex, String vip, String sources, int firstHost, String backend) {}
        for (Storm st : List.of(
                new Storm(0, VIP_A, "192.0.2.32-192.0.2.131", 32, "tftp1"),
                new Storm(1, VIP_B, "192.0.2.132-192.0.2.231", 132, "tftp2"))) {
            Lab.resetServedBy();
            long[] kernelBefore = kernelPath ? new long[] {kernelPackets(0), kernelPackets(1)} : new long[2];
            long userBefore = stat().forwarded();
            Map<String, String> otherMapBefore = kernelPath ? kernelMap(1 - st.vipIndex()) : Map.of();

            Lab.Result r = StormIT.storm(st.vip(), st.sources(), 120, "--expect-sha256", sha, "--json");

            String label = "VLAN storm via " + st.vip() + ", engine " + engine;
            StormIT.report(label, r);
            assertEquals(0, r.exit(), r.toString());
            String head = r.out().substring(0, r.out().indexOf("\"results\""));
            assertEquals(String.valueOf(STORM_CLIENTS), StormIT.field(head, "completed"), r.toString());
            assertEquals("0", StormIT.field(head, "failed"), r.toString());
            stormSeconds.put(engine + " " + st.vip(), StormIT.field(head, "stormSeconds"));
            Map<String, List<String>> served = Lab.servedBy();
            List<String> results = StormIT.results(r.out());
            assertEquals(STORM_CLIENTS, results.size(), r.toString());
            for (String c : results) {
                String client = StormIT.unquote(StormIT.field(c, "client"));
                assertEquals("true", StormIT.field(c, "ok"), c);
                assertEquals("\"" + sha + "\"", StormIT.field(c, "sha256"), c);
                assertEquals(List.of(st.backend()), served.get(client), client + " served on its VIP's VLAN");
            }
            assertEquals(0, Lab.directCount("tftp1"));
            assertEquals(0, Lab.directCount("tftp2"));
            long user = stat().forwarded() - userBefore;
            if (!kernelPath) {
                System.out.printf(java.util.Locale.ROOT, "%s: dsrlb forwarded %d%n", label, user);
                continue;
            }
            Thread.sleep(1_200); // dsrlb reads the kernel's counters back every second; nft reads them now
            long kernel = kernelPackets(st.vipIndex()) - kernelBefore[st.vipIndex()];
            long otherVip = kernelPackets(1 - st.vipIndex()) - kernelBefore[1 - st.vipIndex()];
            System.out.printf(
                    java.util.Locale.ROOT,
                    "%s: kernel forwarded %d, dsrlb %d (%.1f %% by the kernel), the other VLAN's rule %d%n",
                    label,
                    kernel,
                    user,
                    100.0 * kernel / (kernel + user),
                    otherVip);
            // ARDBP32.BIN: 184 data blocks, so 185 ACKs and an RRQ a client; dsrlb sees the RRQ and
            // what comes before its decision reaches the kernel.
            assertTrue(kernel >= STORM_CLIENTS * 150L, label + ": the kernel carried the bulk: " + kernel);
            assertTrue(kernel > 4 * user, label + ": kernel " + kernel + ", dsrlb " + user);
            assertEquals(0, otherVip, label + ": nothing through the other VIP's kernel rule");
            Map<String, String> map = kernelMap(st.vipIndex());
            for (int i = 0; i < STORM_CLIENTS; i++) {
                String client = "192.0.2." + (st.firstHost() + i);
                assertEquals(BACKEND_MAC.get(st.backend()), map.get(client), client + " in the kernel map: " + map);
            }
            // The earlier downloads' clients (some in this storm's range) may be there already.
            assertEquals(otherMapBefore, kernelMap(1 - st.vipIndex()), label + ": the other VLAN's map is untouched");
        }
    }

    /** The lab's fixed backend MACs (lab/lib.sh). */
    static final Map<String, String> BACKEND_MAC = Map.of("tftp1", "02:d5:1b:64:00:30", "tftp2", "02:d5:1b:64:00:31");

    /** dsrlb's netdev table in dsrlb-lb (dsrlb_ and eth0's ifindex). */
    private static String table() {
        Lab.Result r =
                Lab.check(Lab.inNamespace(Lab.LB_NS, 10, "nft", "list", "tables", "netdev"), "nft list tables netdev");
        return r.out()
                .lines()
                .map(String::strip)
                .filter(l -> l.startsWith("table netdev dsrlb_"))
                .map(l -> l.substring("table netdev ".length()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no dsrlb table in dsrlb-lb: " + r));
    }

    private static final Pattern COUNTER = Pattern.compile("packets (\\d+) bytes");
    private static final Pattern ELEMENT =
            Pattern.compile("(\\d+\\.\\d+\\.\\d+\\.\\d+)(?: expires [^ ,:]+)? : ([0-9a-f:]{17})");

    /** Frames the kernel forwarded to a VIP's backends so far, from its counter (nft, not dsrlb's read-back). */
    private static long kernelPackets(int vipIndex) {
        Lab.Result r = Lab.check(
                Lab.inNamespace(Lab.LB_NS, 10, "nft", "list", "counter", "netdev", table(), "offloaded_" + vipIndex),
                "nft list counter");
        Matcher m = COUNTER.matcher(r.out());
        assertTrue(m.find(), r.out());
        return Long.parseLong(m.group(1));
    }

    /** A VIP's kernel map as nft prints it: client address to backend MAC. */
    private static Map<String, String> kernelMap(int vipIndex) {
        Lab.Result r = Lab.check(
                Lab.inNamespace(Lab.LB_NS, 10, "nft", "list", "map", "netdev", table(), "client_" + vipIndex),
                "nft list map");
        Map<String, String> map = new LinkedHashMap<>();
        Matcher m = ELEMENT.matcher(r.out());
        while (m.find()) {
            map.put(m.group(1), m.group(2));
        }
        return map;
    }
}
