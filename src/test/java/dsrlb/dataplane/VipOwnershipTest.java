package dsrlb.dataplane;

import static dsrlb.testing.ForwarderHarness.LB;
import static dsrlb.testing.ForwarderHarness.ROUTER;
import static dsrlb.testing.FrameBuilder.frame;
import static dsrlb.testing.FrameBuilder.tftpRrq;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dsrlb.balance.TestConfigs;
import dsrlb.frame.Arp;
import dsrlb.frame.Ethernet;
import dsrlb.frame.Ndp;
import dsrlb.net.IpAddress;
import dsrlb.net.Ipv4;
import dsrlb.net.MacAddress;
import dsrlb.testing.ForwarderHarness;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The HA role switch: a standby is silent on the VIPs, an active node answers and announces them. */
class VipOwnershipTest {
    static final int VIP = TestConfigs.VIP;
    static final int CLIENT = Ipv4.parse("192.0.2.10");

    final ForwarderHarness node = new ForwarderHarness(TestConfigs.seed());
    final VipOwnership ownership = new VipOwnership(node.forwarder, node.io, new int[] {VIP});

    private byte[] rrq() {
        return frame().eth(ROUTER, LB)
                .ipv4(CLIENT, VIP)
                .udp(40000, 69)
                .payload(tftpRrq("ARDBP32.BIN"))
                .build();
    }

    @Test
    void aStandbyNeitherAnswersArpForTheVipNorForwards() {
        ownership.standby();
        node.handle(frame().eth(ROUTER, MacAddress.BROADCAST)
                .arpRequest(Ipv4.parse("198.51.100.1"), VIP)
                .build());
        node.handle(rrq());
        assertTrue(node.io.sent().isEmpty(), "a standby sends nothing");
        assertEquals(2, node.counters().drops(DropReason.STANDBY));
        assertEquals(0, node.counters().forwarded());
        assertFalse(ownership.isActive());
    }

    @Test
    void aStandbyStillLearnsBackendMacsFromArp() {
        ownership.standby();
        node.handle(frame().eth(ROUTER, MacAddress.BROADCAST)
                .arpRequest(Ipv4.parse("198.51.100.1"), Ipv4.parse("198.51.100.30"))
                .build());
        assertEquals(1, node.arp.size(), "the resolver keeps its cache warm");
    }

    @Test
    void takingOverAnnouncesTheVipAndForwardsFromThenOn() {
        ownership.standby();
        ownership.activate();
        assertTrue(ownership.isActive());
        List<byte[]> announced = node.io.sent();
        assertTrue(announced.size() >= 1);
        for (byte[] g : announced) {
            assertEquals(Ethernet.TYPE_ARP, Ethernet.etherType(g));
            assertEquals(VIP, Arp.senderIp(g));
            assertEquals(VIP, Arp.targetIp(g));
            assertTrue(LB.matches(g, Arp.SENDER_MAC));
            assertTrue(Ethernet.isGroupDestination(g), "broadcast");
        }
        node.io.clearSent();
        node.handle(frame().eth(ROUTER, MacAddress.BROADCAST)
                .arpRequest(Ipv4.parse("198.51.100.1"), VIP)
                .build());
        node.handle(rrq());
        assertEquals(2, node.io.sent().size(), "ARP reply and the forwarded RRQ");
        assertEquals(1, node.counters().forwarded());
    }

    @Test
    void takingOverAnnouncesIpv6VipsByUnsolicitedAdvertisementAndIpv4OnesByGratuitousArp() {
        IpAddress vip6 = TestConfigs.VIP6;
        VipOwnership dual =
                new VipOwnership(node.forwarder, node.io, new int[] {VIP}, new int[] {0}, new IpAddress[] {vip6});
        dual.standby();
        assertEquals(List.of(), node.io.sent(), "a standby announces nothing");
        dual.activate();
        byte[] garp = new byte[Arp.FRAME_LENGTH];
        assertEquals(Arp.FRAME_LENGTH, Arp.writeGratuitous(garp, 0, LB, VIP));
        // RFC 4861 7.2.6: to all nodes, Override set, not Solicited, our MAC as TLLA.
        byte[] na = frame().eth(LB, MacAddress.parse("33:33:00:00:00:01"))
                .ipv6(vip6, IpAddress.parse("ff02::1"))
                .neighborAdvertisement(vip6, Ndp.FLAG_OVERRIDE)
                .build();
        List<byte[]> sent = node.io.sent();
        assertEquals(4, sent.size(), "two rounds of one announcement per VIP");
        for (int round = 0; round < 2; round++) {
            assertArrayEquals(garp, sent.get(2 * round), "round " + round);
            assertArrayEquals(na, sent.get(2 * round + 1), "round " + round);
        }
    }
}
