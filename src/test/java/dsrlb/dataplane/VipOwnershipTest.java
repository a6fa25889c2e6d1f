package dsrlb.dataplane;

import static dsrlb.testing.FrameBuilder.frame;
import static dsrlb.testing.FrameBuilder.tftpRrq;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dsrlb.balance.LoadBalancer;
import dsrlb.balance.ServiceStatus;
import dsrlb.balance.TestConfigs;
import dsrlb.frame.Arp;
import dsrlb.frame.Ethernet;
import dsrlb.frame.Ndp;
import dsrlb.net.IpAddress;
import dsrlb.net.Ipv4;
import dsrlb.net.MacAddress;
import dsrlb.testing.FakeTicker;
import dsrlb.testing.MemoryPacketIo;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The HA role switch: a standby is silent on the VIPs, an active node answers and announces them. */
class VipOwnershipTest {
    static final MacAddress LB = ForwarderTest.LB;
    static final MacAddress ROUTER = ForwarderTest.ROUTER;
    static final int VIP = TestConfigs.VIP;
    static final int CLIENT = Ipv4.parse("192.0.2.10");

    final MemoryPacketIo io = new MemoryPacketIo(LB);
    final List<byte[]> observedArp = new ArrayList<>();
    Forwarder forwarder;
    VipOwnership ownership;

    @BeforeEach
    void setUp() {
        LoadBalancer lb = new LoadBalancer(TestConfigs.seed(), new FakeTicker(), 251);
        forwarder = Forwarder.following(lb, io, (f, arp, vlan) -> observedArp.add(f.clone()));
        lb.setMac(0, ForwarderTest.TFTP1);
        lb.setMac(1, ForwarderTest.TFTP2);
        lb.setHealth(0, ServiceStatus.UP, "test");
        lb.setHealth(1, ServiceStatus.UP, "test");
        ownership = new VipOwnership(forwarder, io, new int[] {VIP});
    }

    private void handle(byte[] f) {
        byte[] copy = f.clone();
        forwarder.handle(copy, copy.length);
    }

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
        handle(frame().eth(ROUTER, MacAddress.BROADCAST)
                .arpRequest(Ipv4.parse("198.51.100.1"), VIP)
                .build());
        handle(rrq());
        assertTrue(io.sent().isEmpty(), "a standby sends nothing");
        assertEquals(2, forwarder.counters().drops(DropReason.STANDBY));
        assertEquals(0, forwarder.counters().forwarded());
        assertFalse(ownership.isActive());
    }

    @Test
    void aStandbyStillLearnsBackendMacsFromArp() {
        ownership.standby();
        handle(frame().eth(ROUTER, MacAddress.BROADCAST)
                .arpRequest(Ipv4.parse("198.51.100.1"), Ipv4.parse("198.51.100.30"))
                .build());
        assertEquals(1, observedArp.size(), "the resolver keeps its cache warm");
    }

    @Test
    void takingOverAnnouncesTheVipAndForwardsFromThenOn() {
        ownership.standby();
        ownership.activate();
        assertTrue(ownership.isActive());
        List<byte[]> announced = io.sent();
        assertTrue(announced.size() >= 1);
        for (byte[] g : announced) {
            assertEquals(Ethernet.TYPE_ARP, Ethernet.etherType(g));
            assertEquals(VIP, Arp.senderIp(g));
            assertEquals(VIP, Arp.targetIp(g));
            assertTrue(LB.matches(g, Arp.SENDER_MAC));
            assertTrue(Ethernet.isGroupDestination(g), "broadcast");
        }
        io.clearSent();
        handle(frame().eth(ROUTER, MacAddress.BROADCAST)
                .arpRequest(Ipv4.parse("198.51.100.1"), VIP)
                .build());
        handle(rrq());
        assertEquals(2, io.sent().size(), "ARP reply and the forwarded RRQ");
        assertEquals(1, forwarder.counters().forwarded());
    }

    @Test
    void takingOverAnnouncesIpv6VipsByUnsolicitedAdvertisementAndIpv4OnesByGratuitousArp() {
        IpAddress vip6 = TestConfigs.VIP6;
        VipOwnership dual = new VipOwnership(forwarder, io, new int[] {VIP}, new int[] {0}, new IpAddress[] {vip6});
        dual.standby();
        assertEquals(List.of(), io.sent(), "a standby announces nothing");
        dual.activate();
        byte[] garp = new byte[Arp.FRAME_LENGTH];
        assertEquals(Arp.FRAME_LENGTH, Arp.writeGratuitous(garp, 0, LB, VIP));
        // RFC 4861 7.2.6: to all nodes, Override set, not Solicited, our MAC as TLLA.
        byte[] na = frame().eth(LB, MacAddress.parse("33:33:00:00:00:01"))
                .ipv6(vip6, IpAddress.parse("ff02::1"))
                .neighborAdvertisement(vip6, Ndp.FLAG_OVERRIDE)
                .build();
        List<byte[]> sent = io.sent();
        assertEquals(4, sent.size(), "two rounds of one announcement per VIP");
        for (int round = 0; round < 2; round++) {
            assertArrayEquals(garp, sent.get(2 * round), "round " + round);
            assertArrayEquals(na, sent.get(2 * round + 1), "round " + round);
        }
    }
}
