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

import dsrlb.balance.LoadBalancer;
import dsrlb.balance.TestConfigs;
import dsrlb.config.ConfigParser;
import dsrlb.config.DsrConfig;
import dsrlb.frame.Ethernet;
import dsrlb.frame.Ipv6Packet;
import dsrlb.frame.Ndp;
import dsrlb.net.IpAddress;
import dsrlb.net.MacAddress;
import dsrlb.testing.FakeTicker;
import dsrlb.testing.ForwarderHarness;
import dsrlb.testing.MemoryPacketIo;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * IPv6 on an 802.1Q trunk ({@link TestConfigs#VLAN_TRUNK6}): VLAN 100 holds 2001:db8:2::/64 (VIP6
 * ::20, tftp1-6 ::30), VLAN 200 2001:db8:3::/64 (VIP6 ::20, tftp2-6 ::31). Neighbor Discovery
 * and forwarding keep the tag as ARP and IPv4 do (VlanForwarderTest); input and expected frames
 * in pairs, the expected ones built independently with FrameBuilder.
 */
class VlanIpv6ForwarderTest {
    static final IpAddress VIP100 = IpAddress.parse("2001:db8:2::20");
    static final IpAddress VIP200 = IpAddress.parse("2001:db8:3::20");
    static final IpAddress TFTP1_IP = IpAddress.parse("2001:db8:2::30");
    static final IpAddress TFTP2_IP = IpAddress.parse("2001:db8:3::31");
    /** The VLANs' own -IPAddress: where dsrlb asks NDP from on each. */
    static final IpAddress OWN100 = IpAddress.parse("2001:db8:2::1");

    static final IpAddress OWN200 = IpAddress.parse("2001:db8:3::1");
    static final IpAddress ROUTER100 = IpAddress.parse("2001:db8:2::fe");
    static final IpAddress ROUTER200 = IpAddress.parse("2001:db8:3::fe");
    static final IpAddress CLIENT = IpAddress.parse("2001:db8:1::10");
    /** Both VIP6s end in ::20: one solicited-node group ff02::1:ff00:20. */
    static final MacAddress SOLICITED_MAC = MacAddress.parse("33:33:ff:00:00:20");

    static final int IP = Ethernet.TAGGED_HEADER_LENGTH;
    static final int ICMP = IP + Ipv6Packet.HEADER_LENGTH;

    DsrConfig cfg;
    ForwarderHarness node;

    @BeforeEach
    void setUp() throws Exception {
        cfg = ConfigParser.parse("t.conf", TestConfigs.VLAN_TRUNK6);
        node = new ForwarderHarness(cfg);
    }

    @Test
    void forwardsIpv6OnTheVipsVlanWithTheTagKeptAndThePartialChecksumCompleted() {
        record Case(int vlan, IpAddress vip, MacAddress backend) {}
        for (Case c : List.of(new Case(100, VIP100, TFTP1), new Case(200, VIP200, TFTP2))) {
            byte[] in = frame().eth(ROUTER, LB)
                    .vlan(c.vlan())
                    .ipv6(CLIENT, c.vip())
                    .udp(40000, 69)
                    .payload(tftpRrq("bootx64.efi"))
                    .partialChecksum()
                    .build();
            byte[] expected = frame().eth(LB, c.backend())
                    .vlan(c.vlan())
                    .ipv6(CLIENT, c.vip())
                    .udp(40000, 69)
                    .payload(tftpRrq("bootx64.efi"))
                    .build();
            assertArrayEquals(expected, node.exchange(in), c.toString());
        }
        assertEquals(2, node.counters().forwarded());
        assertEquals(2, node.counters().checksumsCompleted());
    }

    @Test
    void ipv6ForAVip6OnAnotherVlanOrUntaggedIsDropped() {
        node.assertDropped(
                DropReason.WRONG_VLAN,
                frame().eth(ROUTER, LB)
                        .vlan(200)
                        .ipv6(CLIENT, VIP100)
                        .udp(40000, 69)
                        .build());
        node.assertDropped(
                DropReason.WRONG_VLAN,
                frame().eth(ROUTER, LB).ipv6(CLIENT, VIP100).udp(40000, 69).build());
        node.assertDropped(
                DropReason.WRONG_VLAN,
                frame().eth(ROUTER, LB)
                        .vlan(100)
                        .ipv6(CLIENT, VIP200)
                        .udp(40000, 69)
                        .build());
        node.assertDropped(
                DropReason.NOT_VIP,
                frame().eth(ROUTER, LB)
                        .vlan(100)
                        .ipv6(CLIENT, TFTP1_IP)
                        .udp(40000, 69)
                        .build());
        assertEquals(0, node.counters().forwarded());
    }

    @Test
    void answersASolicitationForAVip6OnItsVlanTagged() {
        record Case(int vlan, IpAddress vip, IpAddress router) {}
        for (Case c : List.of(new Case(100, VIP100, ROUTER100), new Case(200, VIP200, ROUTER200))) {
            byte[] answer = node.exchange(frame().eth(ROUTER, SOLICITED_MAC)
                    .vlan(c.vlan())
                    .ipv6(c.router(), Ndp.solicitedNode(c.vip()))
                    .neighborSolicitation(c.vip())
                    .build());
            byte[] expected = frame().eth(LB, ROUTER)
                    .vlan(c.vlan())
                    .ipv6(c.vip(), c.router())
                    .neighborAdvertisement(c.vip(), Ndp.FLAG_SOLICITED | Ndp.FLAG_OVERRIDE)
                    .build();
            assertEquals(Ndp.TAGGED_FRAME_LENGTH, answer.length);
            assertArrayEquals(expected, answer, c + ": the NA carries the solicitation's tag");
        }
        assertEquals(2, node.counters().arpRepliesSent());
        assertEquals(0, node.counters().forwarded());
    }

    @Test
    void aSolicitationForAVip6OnTheWrongVlanGetsNoAnswer() {
        node.assertDropped(
                DropReason.WRONG_VLAN,
                frame().eth(ROUTER, SOLICITED_MAC)
                        .vlan(200)
                        .ipv6(ROUTER200, Ndp.solicitedNode(VIP100))
                        .neighborSolicitation(VIP100)
                        .build());
        node.assertDropped(
                DropReason.WRONG_VLAN,
                frame().eth(ROUTER, SOLICITED_MAC)
                        .ipv6(ROUTER100, Ndp.solicitedNode(VIP100))
                        .neighborSolicitation(VIP100)
                        .build());
        assertEquals(0, node.counters().arpRepliesSent());
    }

    @Test
    void theResolverSeesTaggedAdvertisementsWithTheirOffsetsAndVlan() {
        node.handle(advertisementFrom(TFTP1, TFTP1_IP, OWN100, 100));
        assertEquals(1, node.advertisements.size());
        assertArrayEquals(new int[] {IP, ICMP, 100}, node.advertisements.get(0));
    }

    /** A backend's tagged answer to a solicitation from {@code askedFrom}. */
    private static byte[] advertisementFrom(MacAddress mac, IpAddress ip, IpAddress askedFrom, int vlan) {
        return frame().eth(mac, LB)
                .vlan(vlan)
                .ipv6(ip, askedFrom)
                .neighborAdvertisement(ip, Ndp.FLAG_SOLICITED | Ndp.FLAG_OVERRIDE)
                .build();
    }

    @Test
    void theResolverAsksAnIpv6BackendOnItsVlanFromTheVlansAddressAndLearnsOnlyThere() {
        MemoryPacketIo ndpIo = new MemoryPacketIo(LB);
        LoadBalancer fresh = new LoadBalancer(cfg, new FakeTicker(), 251);
        // The interface itself has no IPv6 address (a trunk): each VLAN's -IPAddress asks.
        ArpResolver resolver = new ArpResolver(
                ndpIo,
                fresh,
                0,
                null,
                TimeUnit.SECONDS.toNanos(10),
                TimeUnit.SECONDS.toNanos(35),
                () -> 1_000_000_000L);
        resolver.tick();
        List<byte[]> sent = ndpIo.sent();
        assertEquals(4, sent.size(), "who has each VIP6, then one solicitation a backend; no IPv4 VIP to probe");
        IpAddress vip100 = IpAddress.parse("2001:db8:2::20");
        IpAddress vip200 = IpAddress.parse("2001:db8:3::20");
        assertArrayEquals(
                frame().eth(LB, MacAddress.parse("33:33:ff:00:00:20"))
                        .vlan(100)
                        .ipv6(OWN100, Ndp.solicitedNode(vip100))
                        .neighborSolicitation(vip100)
                        .build(),
                sent.get(0),
                "VLAN 100's VIP6 probed on VLAN 100 from its address");
        assertArrayEquals(
                frame().eth(LB, MacAddress.parse("33:33:ff:00:00:20"))
                        .vlan(200)
                        .ipv6(OWN200, Ndp.solicitedNode(vip200))
                        .neighborSolicitation(vip200)
                        .build(),
                sent.get(1),
                "VLAN 200's VIP6 probed on VLAN 200");
        sent = sent.subList(2, 4);
        assertArrayEquals(
                frame().eth(LB, MacAddress.parse("33:33:ff:00:00:30"))
                        .vlan(100)
                        .ipv6(OWN100, Ndp.solicitedNode(TFTP1_IP))
                        .neighborSolicitation(TFTP1_IP)
                        .build(),
                sent.get(0),
                "tftp1-6 asked on VLAN 100 from VLAN 100's address");
        assertArrayEquals(
                frame().eth(LB, MacAddress.parse("33:33:ff:00:00:31"))
                        .vlan(200)
                        .ipv6(OWN200, Ndp.solicitedNode(TFTP2_IP))
                        .neighborSolicitation(TFTP2_IP)
                        .build(),
                sent.get(1),
                "tftp2-6 asked on VLAN 200 from VLAN 200's address");

        Forwarder f = Forwarder.following(fresh, ndpIo, resolver);
        // tftp1-6's answer on VLAN 200, untagged, or to VLAN 200's address: not learned.
        for (byte[] wrong : new byte[][] {
            advertisementFrom(TFTP1, TFTP1_IP, OWN100, 200),
            frame().eth(TFTP1, LB)
                    .ipv6(TFTP1_IP, OWN100)
                    .neighborAdvertisement(TFTP1_IP, Ndp.FLAG_SOLICITED | Ndp.FLAG_OVERRIDE)
                    .build(),
            advertisementFrom(TFTP1, TFTP1_IP, OWN200, 100)
        }) {
            f.handle(wrong.clone(), wrong.length);
        }
        assertNull(fresh.state().services()[0].mac());
        // On VLAN 100, to VLAN 100's address: learned.
        byte[] right = advertisementFrom(TFTP1, TFTP1_IP, OWN100, 100);
        f.handle(right, right.length);
        assertEquals(TFTP1, fresh.state().services()[0].mac());
        byte[] other = advertisementFrom(TFTP2, TFTP2_IP, OWN200, 200);
        f.handle(other, other.length);
        assertEquals(TFTP2, fresh.state().services()[1].mac());
    }

    @Test
    void takingOverAnnouncesEachVip6OnItsVlan() {
        VipOwnership ownership = new VipOwnership(
                node.forwarder, node.io, new int[0], new int[0], new IpAddress[] {VIP100, VIP200}, new int[] {
                    cfg.tagOf(VIP100), cfg.tagOf(VIP200)
                });
        ownership.announce();
        List<byte[]> sent = node.io.sent();
        assertEquals(4, sent.size(), "two rounds of two");
        for (int round = 0; round < 2; round++) {
            for (int v = 0; v < 2; v++) {
                IpAddress vip = v == 0 ? VIP100 : VIP200;
                // RFC 4861 7.2.6: to all nodes, Override set, not Solicited, our MAC as TLLA; on the VIP6's VLAN.
                byte[] expected = frame().eth(LB, MacAddress.parse("33:33:00:00:00:01"))
                        .vlan(v == 0 ? 100 : 200)
                        .ipv6(vip, IpAddress.parse("ff02::1"))
                        .neighborAdvertisement(vip, Ndp.FLAG_OVERRIDE)
                        .build();
                assertArrayEquals(expected, sent.get(2 * round + v), "round " + round + ", " + vip);
            }
        }
    }
}
