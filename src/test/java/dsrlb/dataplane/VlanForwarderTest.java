package dsrlb.dataplane;

import static dsrlb.testing.ForwarderHarness.LB;
import static dsrlb.testing.ForwarderHarness.ROUTER;
import static dsrlb.testing.ForwarderHarness.TFTP1;
import static dsrlb.testing.ForwarderHarness.TFTP2;
import static dsrlb.testing.FrameBuilder.frame;
import static dsrlb.testing.FrameBuilder.tftpRrq;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dsrlb.balance.LoadBalancer;
import dsrlb.balance.TestConfigs;
import dsrlb.config.ConfigParser;
import dsrlb.config.DsrConfig;
import dsrlb.frame.Arp;
import dsrlb.frame.Bytes;
import dsrlb.frame.Ethernet;
import dsrlb.net.Ipv4;
import dsrlb.net.MacAddress;
import dsrlb.testing.FakeTicker;
import dsrlb.testing.ForwarderHarness;
import dsrlb.testing.MemoryPacketIo;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One dsrlb on an 802.1Q trunk: VLAN 100 (198.51.100.0/25, VIP .20, tftp1 .30) and VLAN 200
 * (198.51.100.128/25, VIP .140, tftp2 .150). Input and expected output frames in pairs.
 */
class VlanForwarderTest {
    static final int VIP100 = Ipv4.parse("198.51.100.20");
    static final int VIP200 = Ipv4.parse("198.51.100.140");
    static final int TFTP1_IP = Ipv4.parse("198.51.100.30");
    static final int TFTP2_IP = Ipv4.parse("198.51.100.150");
    static final int ROUTER100 = Ipv4.parse("198.51.100.2");
    static final int CLIENT = Ipv4.parse("192.0.2.10");

    DsrConfig cfg;
    ForwarderHarness node;

    @BeforeEach
    void setUp() throws Exception {
        cfg = ConfigParser.parse("t.conf", TestConfigs.VLAN_TRUNK);
        node = new ForwarderHarness(cfg);
    }

    @Test
    void forwardsOnTheVipsVlanWithTheTagKeptAndOnlyTheMacsRewritten() {
        for (int[] c : new int[][] {{100, VIP100}, {200, VIP200}}) {
            MacAddress backend = c[0] == 100 ? TFTP1 : TFTP2;
            byte[] in = frame().eth(ROUTER, LB)
                    .vlan(c[0])
                    .ipv4(CLIENT, c[1])
                    .udp(40000, 69)
                    .payload(tftpRrq("pxelinux.0"))
                    .build();
            byte[] expected = frame().eth(LB, backend)
                    .vlan(c[0])
                    .ipv4(CLIENT, c[1])
                    .udp(40000, 69)
                    .payload(tftpRrq("pxelinux.0"))
                    .build();
            assertArrayEquals(expected, node.exchange(in), "vlan " + c[0]);
        }
        assertEquals(2, node.counters().forwarded());
    }

    @Test
    void completesAPartialChecksumBehindTheTag() {
        byte[] in = frame().eth(ROUTER, LB)
                .vlan(100)
                .ipv4(CLIENT, VIP100)
                .udp(40000, 69)
                .payload(tftpRrq("a"))
                .partialChecksum()
                .build();
        byte[] expected = frame().eth(LB, TFTP1)
                .vlan(100)
                .ipv4(CLIENT, VIP100)
                .udp(40000, 69)
                .payload(tftpRrq("a"))
                .build();
        assertArrayEquals(expected, node.handle(in).get(0));
        assertEquals(1, node.counters().checksumsCompleted());
    }

    @Test
    void aFrameForAVipOnAnotherVlanOrUntaggedIsDropped() {
        node.assertDropped(
                DropReason.WRONG_VLAN,
                frame().eth(ROUTER, LB)
                        .vlan(200)
                        .ipv4(CLIENT, VIP100)
                        .udp(40000, 69)
                        .build());
        node.assertDropped(
                DropReason.WRONG_VLAN,
                frame().eth(ROUTER, LB).ipv4(CLIENT, VIP100).udp(40000, 69).build());
        node.assertDropped(
                DropReason.WRONG_VLAN,
                frame().eth(ROUTER, LB)
                        .vlan(300)
                        .ipv4(CLIENT, VIP200)
                        .udp(40000, 69)
                        .build());
        node.assertDropped(
                DropReason.NOT_VIP,
                frame().eth(ROUTER, LB)
                        .vlan(100)
                        .ipv4(CLIENT, TFTP1_IP)
                        .udp(40000, 69)
                        .build());
    }

    @Test
    void answersArpForAVipOnItsVlanTagged() {
        byte[] reply = node.exchange(frame().eth(ROUTER, MacAddress.BROADCAST)
                .vlan(100)
                .arpRequest(ROUTER100, VIP100)
                .build());
        assertEquals(Arp.TAGGED_FRAME_LENGTH, reply.length);
        assertTrue(ROUTER.matches(reply, Ethernet.DESTINATION));
        assertTrue(LB.matches(reply, Ethernet.SOURCE));
        assertEquals(Ethernet.TYPE_VLAN, Ethernet.etherType(reply));
        assertEquals(100, Ethernet.vlanId(reply));
        assertEquals(Ethernet.TYPE_ARP, Bytes.u16(reply, Ethernet.INNER_ETHER_TYPE));
        int arp = Ethernet.TAGGED_HEADER_LENGTH;
        assertTrue(Arp.isValid(reply, arp, reply.length));
        assertEquals(Arp.OP_REPLY, Arp.operation(reply, arp));
        assertTrue(LB.matches(reply, Arp.field(arp, Arp.SENDER_MAC)));
        assertEquals(VIP100, Arp.senderIp(reply, arp));
        assertTrue(ROUTER.matches(reply, Arp.field(arp, Arp.TARGET_MAC)));
        assertEquals(ROUTER100, Arp.targetIp(reply, arp));
        assertEquals(1, node.counters().arpRepliesSent());
    }

    @Test
    void arpForAVipAskedOnTheWrongVlanGetsNoAnswer() {
        node.assertDropped(
                DropReason.WRONG_VLAN,
                frame().eth(ROUTER, MacAddress.BROADCAST)
                        .vlan(200)
                        .arpRequest(ROUTER100, VIP100)
                        .build());
        node.assertDropped(
                DropReason.WRONG_VLAN,
                frame().eth(ROUTER, MacAddress.BROADCAST)
                        .arpRequest(ROUTER100, VIP100)
                        .build());
        assertEquals(0, node.counters().arpRepliesSent());
    }

    @Test
    void stackedTagsAndQinQStayDropped() {
        byte[] inner = frame().eth(ROUTER, LB)
                .vlan(100)
                .ipv4(CLIENT, VIP100)
                .udp(40000, 69)
                .build();
        byte[] doubleTagged = frame().eth(ROUTER, LB)
                .vlan(100)
                .ipv4(CLIENT, VIP100)
                .udp(40000, 69)
                .build();
        // Turn the inner EtherType into a second 802.1Q tag: the frame is now 100 inside ?.
        Bytes.putU16(doubleTagged, Ethernet.INNER_ETHER_TYPE, Ethernet.TYPE_VLAN);
        node.assertDropped(DropReason.VLAN_TAGGED, doubleTagged);
        Bytes.putU16(inner, Ethernet.ETHER_TYPE, Ethernet.TYPE_QINQ);
        node.assertDropped(DropReason.VLAN_TAGGED, inner);
    }

    @Test
    void aTagCutShortIsTruncated() {
        byte[] f = frame().eth(ROUTER, LB)
                .vlan(100)
                .ipv4(CLIENT, VIP100)
                .udp(40000, 69)
                .build();
        // The whole frame in the buffer, a length that cuts the tag: the length is what counts.
        long before = node.counters().drops(DropReason.TRUNCATED);
        node.forwarder.handle(f, Ethernet.TAGGED_HEADER_LENGTH - 1);
        assertEquals(before + 1, node.counters().drops(DropReason.TRUNCATED));
        assertEquals(List.of(), node.io.sent());
    }

    @Test
    void aPriorityTagIsTheUntaggedLan() throws Exception {
        DsrConfig untagged = ConfigParser.parse(
                "u.conf",
                "add service s 198.51.100.30 ANY *\nadd lb vserver v ANY 198.51.100.20 *\nbind lb vserver v s\n");
        byte[] in = frame().eth(ROUTER, LB)
                .vlan(0)
                .ipv4(CLIENT, VIP100)
                .udp(40000, 69)
                .build();
        assertArrayEquals(
                frame().eth(LB, TFTP1)
                        .vlan(0)
                        .ipv4(CLIENT, VIP100)
                        .udp(40000, 69)
                        .build(),
                new ForwarderHarness(untagged).handle(in).get(0));
    }

    @Test
    void theResolverAsksABackendOnItsVlanFromTheVlansAddressAndLearnsOnlyThere() {
        MemoryPacketIo arpIo = new MemoryPacketIo(LB);
        long[] now = {1_000_000_000L};
        LoadBalancer fresh = new LoadBalancer(cfg, new FakeTicker(), 251);
        ArpResolver resolver = new ArpResolver(
                arpIo,
                fresh,
                Ipv4.parse("192.0.2.5"),
                TimeUnit.SECONDS.toNanos(10),
                TimeUnit.SECONDS.toNanos(35),
                () -> now[0]);
        resolver.tick();
        // The two VIP probes, then the two backends, each on its VLAN from that VLAN's address.
        List<byte[]> sent = arpIo.sent();
        assertEquals(4, sent.size());
        int[][] expected = {
            {100, Ipv4.parse("198.51.100.1"), VIP100},
            {200, Ipv4.parse("198.51.100.129"), VIP200},
            {100, Ipv4.parse("198.51.100.1"), TFTP1_IP},
            {200, Ipv4.parse("198.51.100.129"), TFTP2_IP}
        };
        int arp = Ethernet.TAGGED_HEADER_LENGTH;
        for (int i = 0; i < 4; i++) {
            byte[] f = sent.get(i);
            assertEquals(Ethernet.TYPE_VLAN, Ethernet.etherType(f));
            assertEquals(expected[i][0], Ethernet.vlanId(f));
            assertEquals(Arp.OP_REQUEST, Arp.operation(f, arp));
            assertEquals(expected[i][1], Arp.senderIp(f, arp));
            assertEquals(expected[i][2], Arp.targetIp(f, arp));
        }

        // tftp1's answer on VLAN 200 is not learned; on VLAN 100, through the forwarder, it is.
        byte[] wrong = replyFrom(TFTP1, TFTP1_IP, Ipv4.parse("198.51.100.1"), 200);
        resolver.onArp(wrong, arp, 200);
        assertNull(fresh.state().services()[0].mac());
        Forwarder f = Forwarder.following(fresh, arpIo, resolver);
        byte[] right = replyFrom(TFTP1, TFTP1_IP, Ipv4.parse("198.51.100.1"), 100);
        f.handle(right, right.length);
        assertEquals(TFTP1, fresh.state().services()[0].mac());
    }

    /** A backend's tagged reply to dsrlb's request from {@code askedFrom}. */
    private static byte[] replyFrom(MacAddress mac, int ip, int askedFrom, int vlan) {
        byte[] f = frame().eth(mac, LB).vlan(vlan).arpRequest(ip, askedFrom).build();
        int arp = Ethernet.TAGGED_HEADER_LENGTH;
        Bytes.putU16(f, Arp.field(arp, Arp.OFFSET + 6), Arp.OP_REPLY);
        LB.writeTo(f, Arp.field(arp, Arp.TARGET_MAC));
        return f;
    }

    @Test
    void theResolverSeesTaggedArpWithItsOffsetAndVlan() {
        node.handle(frame().eth(TFTP1, LB)
                .vlan(100)
                .arpRequest(TFTP1_IP, Ipv4.parse("198.51.100.1"))
                .build());
        assertEquals(1, node.arp.size());
        assertArrayEquals(new int[] {Ethernet.TAGGED_HEADER_LENGTH, 100}, node.arp.get(0));
    }

    @Test
    void takingOverAnnouncesEachVipOnItsVlan() {
        VipOwnership ownership =
                new VipOwnership(node.forwarder, node.io, new int[] {VIP100, VIP200}, new int[] {100, 200});
        ownership.announce();
        List<byte[]> sent = node.io.sent();
        assertEquals(4, sent.size(), "two rounds of two");
        int arp = Ethernet.TAGGED_HEADER_LENGTH;
        assertEquals(100, Ethernet.vlanId(sent.get(0)));
        assertEquals(VIP100, Arp.senderIp(sent.get(0), arp));
        assertEquals(VIP100, Arp.targetIp(sent.get(0), arp));
        assertEquals(200, Ethernet.vlanId(sent.get(1)));
        assertEquals(VIP200, Arp.senderIp(sent.get(1), arp));
    }
}
