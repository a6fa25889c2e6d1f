package dsrlb.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dsrlb.control.ResponseReader;
import dsrlb.status.GlobalReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * Hostile frames on the real wire: trafgen (netsniff-ng) sends hand-made frames straight into
 * dsrlb's port of the lab switch (p-lb in dsrlb-sw), as if from the router. Straight into the
 * port, because this kernel's bridge checks IPv4 headers (br_netfilter) and would drop the
 * malformed ones before dsrlb could see them; a real switch forwards them. Each kind has its outcome, read from
 * dsrlb's own counters, and dsrlb keeps serving afterwards.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostileTrafficIT extends DsrlbLabTest {
    static final String LB_MAC = "0x02, 0xd5, 0x1b, 0x64, 0x00, 0x10";
    static final String ROUTER_MAC = "0x02, 0xd5, 0x1b, 0x64, 0x00, 0x01";
    static final String BROADCAST = "0xff, 0xff, 0xff, 0xff, 0xff, 0xff";
    /** UDP 1024 → 9 from 192.0.2.250 to the VIP, 18 bytes of payload. */
    static final String UDP_TO_VIP =
            "192, 0, 2, 250, 198, 51, 100, 20, 0x04, 0x00, 0x00, 0x09, 0x00, 0x1a, 0x00, 0x00, " + "fill(0x00, 18)";

    static final int EACH = 5;

    private GlobalReport stat() throws Exception {
        return ResponseReader.of(Lab.cli(socket, "stat", "lb", "vserver")).global();
    }

    /** Sends {@link #EACH} copies of one frame (trafgen syntax) to dsrlb's interface. */
    private void send(String name, String frame) throws IOException {
        Path conf = dir.resolve(name + ".cfg");
        Files.writeString(conf, "{\n" + frame + "\n}\n");
        Lab.check(
                Lab.inNamespace(
                        "dsrlb-sw",
                        20,
                        "trafgen",
                        "--dev",
                        "p-lb",
                        "--conf",
                        conf.toString(),
                        "--num",
                        Integer.toString(EACH),
                        "--rate",
                        "100pps",
                        "--cpus",
                        "1",
                        "--no-cpu-stats"),
                "trafgen " + name);
    }

    private static long forwardedByEither(GlobalReport g) {
        return g.forwarded() + (g.kernelPath() == null ? 0 : g.kernelPath().packets());
    }

    private static long drops(GlobalReport g, String reason) {
        return g.drops().getOrDefault(reason, 0L);
    }

    @Test
    @Order(1)
    void eachHostileFrameHasItsOutcomeAndDsrlbKeepsServing() throws Exception {
        GlobalReport before = stat();
        // IPv4 to the VIP, but to the broadcast MAC: never forwarded.
        send(
                "broadcast",
                BROADCAST + ", " + ROUTER_MAC + ", 0x08, 0x00, 0x45, 0x00, 0x00, 0x2e, 0x00, 0x00, 0x40, "
                        + "0x00, 0x40, 0x11, csumip(14, 33), " + UDP_TO_VIP);
        // IHL 3 (shorter than any IPv4 header).
        send(
                "ihl3",
                LB_MAC + ", " + ROUTER_MAC + ", 0x08, 0x00, 0x43, 0x00, 0x00, 0x2e, 0x00, 0x00, 0x40, 0x00, "
                        + "0x40, 0x11, 0x00, 0x00, " + UDP_TO_VIP);
        // Total length 1000 in a 60-byte frame.
        send(
                "truncated",
                LB_MAC + ", " + ROUTER_MAC + ", 0x08, 0x00, 0x45, 0x00, 0x03, 0xe8, 0x00, 0x00, 0x40, 0x00, "
                        + "0x40, 0x11, csumip(14, 33), " + UDP_TO_VIP);
        // 802.1Q VLAN 7 around a valid packet: dropped by rule, never forwarded (with or without the tag).
        send(
                "vlan",
                LB_MAC + ", " + ROUTER_MAC + ", 0x81, 0x00, 0x00, 0x07, 0x08, 0x00, 0x45, 0x00, 0x00, 0x2e, "
                        + "0x00, 0x00, 0x40, 0x00, 0x40, 0x11, csumip(18, 37), " + UDP_TO_VIP);
        // TTL 1, otherwise valid: dsrlb is a layer-2 hop, it forwards it unchanged.
        send(
                "ttl1",
                LB_MAC + ", " + ROUTER_MAC + ", 0x08, 0x00, 0x45, 0x00, 0x00, 0x2e, 0x00, 0x00, 0x40, 0x00, "
                        + "0x01, 0x11, csumip(14, 33), " + UDP_TO_VIP);
        // The kernel path's counters are read back every second.
        Thread.sleep(2_200);
        GlobalReport after = stat();

        // On the kernel path (the default here) only frames to dsrlb's own MAC reach it at all.
        boolean kernelPath = after.kernelPath() != null;
        assertEquals(
                kernelPath ? 0 : EACH,
                drops(after, "group_destination") - drops(before, "group_destination"),
                after.drops().toString());
        assertEquals(
                2 * EACH,
                drops(after, "bad_ip_header") - drops(before, "bad_ip_header"),
                after.drops().toString());
        // The first TTL-1 frame is forwarded by dsrlb, the rest by dsrlb or the kernel once it knows the client.
        assertEquals(
                EACH,
                forwardedByEither(after) - forwardedByEither(before),
                "only the TTL-1 frames are forwarded: " + after.drops() + " " + after.kernelPath());
        long vlan = drops(after, "vlan_tagged") - drops(before, "vlan_tagged");
        assertTrue(vlan == 0 || vlan == EACH, "VLAN frames are dropped by rule or never reach dsrlb: " + vlan);

        Path out = dir.resolve("after");
        Lab.Result r = TftpClient.CURL.download(Lab.VIP, "k64.bin", out, "192.0.2.40", 20);
        assertTrue(r.ok(), r.toString());
        assertEquals(Lab.sha256(Lab.served("k64.bin")), Lab.sha256(out));
        assertTrue(dsrlb.isAlive());
    }

    /** Asks backends' MACs every second, so a second host answering for one shows within seconds. */
    @Override
    String[] dsrlbArgs() {
        return new String[] {"--arp-refresh", "1", "--arp-stale", "5"};
    }

    private String showService(String name) {
        return Lab.cli(socket, "show", "service", name);
    }

    /**
     * A second host on the LAN answers ARP for tftp1's address (tftp2 takes the address on its LAN
     * interface too: what a spoofer that answers dsrlb's requests, or a duplicate address, looks
     * like) and sends gratuitous ARP for it. dsrlb keeps tftp1's real MAC, reports the conflict with
     * the other MAC, and every client is still served by the real backends with intact files.
     */
    @Test
    @Order(2)
    void aSecondHostClaimingABackendsAddressIsReportedNeverAdopted() throws Exception {
        String rogue = "dsrlb-tftp2";
        String dev = "eth0";
        Lab.check(
                Lab.inNamespace(rogue, 10, "ip", "addr", "add", "198.51.100.30/32", "dev", dev),
                "tftp2 takes tftp1's address");
        try {
            Lab.inNamespace(rogue, 20, "arping", "-U", "-c", "3", "-I", dev, "-s", "198.51.100.30", "198.51.100.30");
            Matcher conflicts = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            String answer = "";
            while (System.nanoTime() < deadline) {
                answer = showService("tftp1");
                conflicts = Pattern.compile("\"macConflicts\":(\\d+)").matcher(answer);
                if (conflicts.find() && Long.parseLong(conflicts.group(1)) > 0) {
                    break;
                }
                Thread.sleep(200);
            }
            assertTrue(answer.contains("\"lastMacConflict\":\"02:d5:1b:64:00:31\""), "tftp2's MAC reported: " + answer);
            assertTrue(answer.contains("\"mac\":\"02:d5:1b:64:00:30\""), "tftp1's own MAC kept: " + answer);

            Lab.resetServedBy();
            for (int k = 0; k < 4; k++) {
                String client = "192.0.2." + (60 + k);
                Path out = dir.resolve("conflict-" + k);
                Lab.Result r = TftpClient.CURL.download(Lab.VIP, "k64.bin", out, client, 20);
                assertTrue(r.ok(), r.toString());
                assertEquals(Lab.sha256(Lab.served("k64.bin")), Lab.sha256(out));
            }
            Map<String, List<String>> served = Lab.servedBy();
            for (int k = 0; k < 4; k++) {
                List<String> by = served.get("192.0.2." + (60 + k));
                assertTrue(by != null && by.size() == 1, "served by one real backend: " + served);
            }
            assertTrue(dsrlb.log().contains("answers ARP for it while 02:d5:1b:64:00:30 still does"), dsrlb.log());
        } finally {
            Lab.inNamespace(rogue, 10, "ip", "addr", "del", "198.51.100.30/32", "dev", dev);
        }
    }
}
