package dsrlb.dataplane;

import static dsrlb.testing.FrameBuilder.frame;
import static dsrlb.testing.FrameBuilder.tftpRrq;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dsrlb.balance.LoadBalancer;
import dsrlb.balance.ServiceStatus;
import dsrlb.balance.TestConfigs;
import dsrlb.config.ConfigParser;
import dsrlb.config.DsrConfig;
import dsrlb.config.InterfacePlan;
import dsrlb.frame.Arp;
import dsrlb.frame.Ethernet;
import dsrlb.frame.Ndp;
import dsrlb.net.IpAddress;
import dsrlb.net.Ipv4;
import dsrlb.net.MacAddress;
import dsrlb.testing.FakeTicker;
import dsrlb.testing.ForwarderHarness;
import dsrlb.testing.MemoryPacketIo;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One dsrlb on two interfaces (TestConfigs.TWO_LANS): eth0 (MAC LB) serves VIP .20 and the VIP6,
 * eth1 (MAC LB_B) serves VIP .140; one balancer, one set of counters, a forwarder per interface.
 * Input and expected output frames in pairs.
 */
class MultiInterfaceForwarderTest {
    static final MacAddress LB = ForwarderHarness.LB;
    static final MacAddress LB_B = MacAddress.parse("02:d5:1b:64:00:12");
    static final MacAddress ROUTER = ForwarderHarness.ROUTER;
    static final MacAddress ROUTER_B = MacAddress.parse("02:d5:1b:64:00:02");
    static final MacAddress TFTP1 = ForwarderHarness.TFTP1;
    static final MacAddress TFTP2 = ForwarderHarness.TFTP2;
    static final int VIP_A = Ipv4.parse("198.51.100.20");
    static final int VIP_B = Ipv4.parse("198.51.100.140");
    static final IpAddress VIP6 = IpAddress.parse("2001:db8::20");
    static final int ROUTER_A_IP = Ipv4.parse("198.51.100.1");
    static final int ROUTER_B_IP = Ipv4.parse("198.51.100.129");
    static final int CLIENT = Ipv4.parse("192.0.2.10");

    final MemoryPacketIo eth0 = new MemoryPacketIo(LB);
    final MemoryPacketIo eth1 = new MemoryPacketIo(LB_B);
    final Counters counters = new Counters();
    DsrConfig cfg;
    InterfacePlan plan;
    LoadBalancer lb;
    Forwarder onEth0;
    Forwarder onEth1;

    @BeforeEach
    void setUp() throws Exception {
        cfg = ConfigParser.parse("t.conf", TestConfigs.TWO_LANS);
        plan = new InterfacePlan(List.of("eth0", "eth1"));
        lb = new LoadBalancer(cfg, new FakeTicker(), 251);
        onEth0 = new Forwarder(eth0, counters, plan.vipsOn(cfg, 0));
        onEth1 = new Forwarder(eth1, counters, plan.vipsOn(cfg, 1));
        lb.subscribe(onEth0::publish);
        lb.subscribe(onEth1::publish);
        lb.setMac(0, TFTP1);
        lb.setMac(1, TFTP2);
        lb.setMac(2, TFTP1);
        for (int id = 0; id < 3; id++) {
            lb.setHealth(id, ServiceStatus.UP, "test");
        }
    }

    private static void handle(Forwarder f, byte[] frame) {
        byte[] copy = frame.clone();
        f.handle(copy, copy.length);
    }

    /** One ARP reply sent on {@code io}: "{@code vip} is at {@code mac}", from {@code mac}. */
    private static void assertReply(MemoryPacketIo io, MacAddress mac, int vip) {
        assertEquals(1, io.sent().size());
        byte[] reply = io.sent().get(0);
        assertEquals(Arp.OP_REPLY, Arp.operation(reply));
        assertTrue(mac.matches(reply, Ethernet.SOURCE));
        assertTrue(mac.matches(reply, Arp.SENDER_MAC));
        assertEquals(vip, Arp.senderIp(reply));
    }

    @Test
    void eachInterfaceAnswersArpForItsOwnVipsOnly() {
        byte[] askA = frame().eth(ROUTER, MacAddress.BROADCAST)
                .arpRequest(ROUTER_A_IP, VIP_A)
                .build();
        byte[] askB = frame().eth(ROUTER_B, MacAddress.BROADCAST)
                .arpRequest(ROUTER_B_IP, VIP_B)
                .build();
        handle(onEth0, askA);
        handle(onEth1, askB);
        assertReply(eth0, LB, VIP_A);
        assertReply(eth1, LB_B, VIP_B);
        // The same questions on the other interface: not ours there (the other LAN's router may
        // see a broadcast of both), never answered with this interface's MAC.
        eth0.clearSent();
        eth1.clearSent();
        handle(onEth1, askA);
        handle(onEth0, askB);
        assertEquals(List.of(), eth0.sent());
        assertEquals(List.of(), eth1.sent());
        assertEquals(2, counters.drops(DropReason.OTHER_INTERFACE));
        assertEquals(2, counters.arpRepliesSent());
    }

    @Test
    void aVipsFramesAreForwardedOnItsInterfaceToItsBackendWithThatInterfacesMac() {
        byte[] toB = frame().eth(ROUTER_B, LB_B)
                .ipv4(CLIENT, VIP_B)
                .udp(40000, 69)
                .payload(tftpRrq("ARDBP32.BIN"))
                .partialChecksum()
                .build();
        handle(onEth1, toB);
        assertEquals(List.of(), eth0.sent());
        assertArrayEquals(
                frame().eth(LB_B, TFTP2)
                        .ipv4(CLIENT, VIP_B)
                        .udp(40000, 69)
                        .payload(tftpRrq("ARDBP32.BIN"))
                        .build(),
                eth1.sent().get(0));
        // VIP B's frame arriving on eth0 (addressed to eth0's MAC) goes nowhere.
        byte[] strayB = frame().eth(ROUTER, LB)
                .ipv4(CLIENT, VIP_B)
                .udp(40000, 69)
                .payload(tftpRrq("ARDBP32.BIN"))
                .build();
        handle(onEth0, strayB);
        assertEquals(List.of(), eth0.sent());
        assertEquals(1, counters.drops(DropReason.OTHER_INTERFACE));
        byte[] toA = frame().eth(ROUTER, LB)
                .ipv4(CLIENT, VIP_A)
                .udp(40001, 69)
                .payload(tftpRrq("ARDBP32.BIN"))
                .build();
        handle(onEth0, toA);
        assertArrayEquals(
                frame().eth(LB, TFTP1)
                        .ipv4(CLIENT, VIP_A)
                        .udp(40001, 69)
                        .payload(tftpRrq("ARDBP32.BIN"))
                        .build(),
                eth0.sent().get(0));
        // One set of counters for both interfaces: what status and metrics report.
        assertEquals(2, counters.forwarded());
        assertEquals(3, counters.received());
        assertEquals(1, counters.checksumsCompleted());
    }

    @Test
    void aVipClaimedOnAnotherInterfaceIsNoConflictAndNdpFollowsTheVip6sInterface() {
        byte[] claimA = frame().eth(TFTP2, MacAddress.BROADCAST)
                .arpRequest(VIP_A, VIP_A)
                .build();
        handle(onEth1, claimA);
        assertEquals(0, counters.vipArpConflicts());
        handle(onEth0, claimA);
        assertEquals(1, counters.vipArpConflicts());

        eth0.clearSent();
        IpAddress router6 = IpAddress.parse("2001:db8::1");
        byte[] solicit = frame().eth(ROUTER, MacAddress.parse("33:33:ff:00:00:20"))
                .ipv6(router6, Ndp.solicitedNode(VIP6))
                .neighborSolicitation(VIP6)
                .build();
        handle(onEth1, solicit);
        assertEquals(List.of(), eth1.sent());
        // The gratuitous request on eth1 above, and this solicitation.
        assertEquals(2, counters.drops(DropReason.OTHER_INTERFACE));
        handle(onEth0, solicit);
        assertArrayEquals(
                frame().eth(LB, ROUTER)
                        .ipv6(VIP6, router6)
                        .neighborAdvertisement(VIP6, Ndp.FLAG_SOLICITED | Ndp.FLAG_OVERRIDE)
                        .build(),
                eth0.sent().get(0));
    }
}
