package dsrlb.dataplane;

import static dsrlb.testing.ForwarderHarness.LB;
import static dsrlb.testing.ForwarderHarness.ROUTER;
import static dsrlb.testing.ForwarderHarness.TFTP1;
import static dsrlb.testing.ForwarderHarness.TFTP2;
import static dsrlb.testing.ForwarderHarness.TFTP3;
import static dsrlb.testing.FrameBuilder.frame;
import static dsrlb.testing.FrameBuilder.tftpRrq;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dsrlb.balance.ServiceStatus;
import dsrlb.balance.TestConfigs;
import dsrlb.config.ConfigParser;
import dsrlb.config.LbMethod;
import dsrlb.config.PersistenceType;
import dsrlb.frame.Ethernet;
import dsrlb.frame.HostileFrames;
import dsrlb.frame.Icmpv6;
import dsrlb.frame.Ipv6Packet;
import dsrlb.frame.L4Checksum;
import dsrlb.frame.Ndp;
import dsrlb.net.IpAddress;
import dsrlb.net.MacAddress;
import dsrlb.testing.ForwarderHarness;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * IPv6 VIPs (issue 17): forwarding by MAC rewrite, persistence and SOURCEIPHASH by the 128-bit
 * source, Neighbor Discovery for a VIP6. Input and expected output frames in pairs, the expected
 * ones built independently with {@link dsrlb.testing.FrameBuilder}.
 */
class Ipv6ForwarderTest {
    static final IpAddress VIP6 = TestConfigs.VIP6;
    static final IpAddress CLIENT = IpAddress.parse("2001:db8:1::10");
    static final IpAddress ROUTER6 = IpAddress.parse("2001:db8::1");
    /** The VIP6's solicited-node group ff02::1:ff00:20 and its MAC. */
    static final IpAddress SOLICITED = IpAddress.parse("ff02::1:ff00:20");

    static final MacAddress SOLICITED_MAC = MacAddress.parse("33:33:ff:00:00:20");
    static final MacAddress ALL_NODES_MAC = MacAddress.parse("33:33:00:00:00:01");
    static final IpAddress ALL_NODES = IpAddress.parse("ff02::1");

    static ForwarderHarness anyStar(int services, LbMethod method, PersistenceType persistence) {
        return new ForwarderHarness(TestConfigs.anyStar6(services, method, persistence, 100, 1_000_000));
    }

    static ForwarderHarness dualStack() throws Exception {
        return new ForwarderHarness(ConfigParser.parse("t.conf", TestConfigs.DUAL_STACK));
    }

    static byte[] udp(IpAddress client, int dstPort, byte[] payload) {
        return frame().eth(ROUTER, LB)
                .ipv6(client, VIP6)
                .udp(40000, dstPort)
                .payload(payload)
                .build();
    }

    /** What the backend must receive: the client's frame with only the MACs rewritten. */
    static byte[] toBackend(MacAddress backend, IpAddress client, int dstPort, byte[] payload) {
        return frame().eth(LB, backend)
                .ipv6(client, VIP6)
                .udp(40000, dstPort)
                .payload(payload)
                .build();
    }

    static byte[] ack(int block) {
        return new byte[] {0, 4, 0, (byte) block};
    }

    @Test
    void anRrqToTheVip6LeavesWithOnlyTheMacsRewritten() {
        ForwarderHarness n = anyStar(2, LbMethod.ROUNDROBIN, PersistenceType.SOURCEIP);
        byte[] in = udp(CLIENT, 69, tftpRrq("bootx64.efi"));
        assertArrayEquals(toBackend(TFTP1, CLIENT, 69, tftpRrq("bootx64.efi")), n.exchange(in));
        assertEquals(1, n.counters().forwarded());
        assertEquals(0, n.counters().checksumsCompleted(), "a full checksum is left alone");
        assertEquals(1, n.lb.forwardedPackets(0), "countingFor counts IPv6 frames");
        assertEquals(in.length, n.lb.forwardedBytes(0));
    }

    @Test
    void aClientsLaterPacketsToAnyPortFollowItsBackend() {
        ForwarderHarness n = anyStar(2, LbMethod.ROUNDROBIN, PersistenceType.SOURCEIP);
        IpAddress other = IpAddress.parse("2001:db8:1::11");
        n.exchange(udp(CLIENT, 69, tftpRrq("bootx64.efi")));
        assertArrayEquals(
                toBackend(TFTP2, other, 69, tftpRrq("bootx64.efi")),
                n.exchange(udp(other, 69, tftpRrq("bootx64.efi"))));
        for (int block = 1; block <= 20; block++) {
            assertArrayEquals(
                    toBackend(TFTP1, CLIENT, 50_000, ack(block)),
                    n.exchange(udp(CLIENT, 50_000, ack(block))),
                    "ACK " + block + " goes where the RRQ went");
            assertArrayEquals(toBackend(TFTP2, other, 50_001, ack(block)), n.exchange(udp(other, 50_001, ack(block))));
        }
        assertEquals(2, n.lb.vservers().get(0).newClients());
        assertEquals(40, n.lb.vservers().get(0).persistenceHits());
    }

    @Test
    void clientsThatDifferOnlyInTheHigh64BitsAreTwoClients() {
        ForwarderHarness n = anyStar(2, LbMethod.ROUNDROBIN, PersistenceType.SOURCEIP);
        IpAddress a = IpAddress.parse("2001:db8:1::10");
        IpAddress b = IpAddress.parse("2001:db8:2::10");
        assertEquals(a.low(), b.low());
        assertTrue(TFTP1.matches(n.exchange(udp(a, 69, tftpRrq("x"))), Ethernet.DESTINATION));
        assertTrue(TFTP2.matches(n.exchange(udp(b, 69, tftpRrq("x"))), Ethernet.DESTINATION), "a new client");
        assertTrue(TFTP1.matches(n.exchange(udp(a, 50_000, ack(1))), Ethernet.DESTINATION));
        assertTrue(TFTP2.matches(n.exchange(udp(b, 50_000, ack(1))), Ethernet.DESTINATION));
        assertEquals(2, n.lb.vservers().get(0).newClients());
        assertEquals(2, n.lb.vservers().get(0).persistence().size());
    }

    @Test
    void roundRobinSpreadsNewClients() {
        ForwarderHarness n = anyStar(3, LbMethod.ROUNDROBIN, PersistenceType.SOURCEIP);
        MacAddress[] order = {TFTP1, TFTP2, TFTP3};
        for (int c = 0; c < 9; c++) {
            IpAddress client = new IpAddress(CLIENT.high(), 0x100 + c);
            assertTrue(
                    order[c % 3].matches(n.exchange(udp(client, 69, tftpRrq("x"))), Ethernet.DESTINATION),
                    "client " + c);
        }
        for (int id = 0; id < 3; id++) {
            assertEquals(3, n.lb.forwardedPackets(id));
        }
    }

    @Test
    void sourceIpHashPicksTheSameBackendOnTwoNodes() {
        ForwarderHarness a = anyStar(3, LbMethod.SOURCEIPHASH, PersistenceType.NONE);
        ForwarderHarness b = anyStar(3, LbMethod.SOURCEIPHASH, PersistenceType.NONE);
        // The second node has seen other clients first: a hash, unlike round robin, has no memory.
        for (int c = 0; c < 50; c++) {
            b.handle(udp(new IpAddress(0x2001_0db8_0009_0000L, c), 69, tftpRrq("x")));
        }
        Set<MacAddress> used = new HashSet<>();
        for (int c = 0; c < 200; c++) {
            IpAddress client = new IpAddress(0x2001_0db8_0001_0000L + c, 0x1000L * c + 7);
            byte[] outA = a.exchange(udp(client, 69, tftpRrq("x")));
            byte[] outB = b.exchange(udp(client, 69, tftpRrq("x")));
            assertArrayEquals(outA, outB, "client " + client);
            used.add(MacAddress.read(outA, Ethernet.DESTINATION));
        }
        assertEquals(Set.of(TFTP1, TFTP2, TFTP3), used, "200 clients spread over all three");
    }

    @Test
    void aPartialUdpChecksumIsCompletedAndNothingElseChanges() {
        ForwarderHarness n = anyStar(2, LbMethod.ROUNDROBIN, PersistenceType.SOURCEIP);
        byte[] partial = frame().eth(ROUTER, LB)
                .ipv6(CLIENT, VIP6)
                .udp(40000, 69)
                .payload(tftpRrq("bootx64.efi"))
                .partialChecksum()
                .build();
        byte[] out = n.exchange(partial);
        assertArrayEquals(toBackend(TFTP1, CLIENT, 69, tftpRrq("bootx64.efi")), out);
        int ip = Ethernet.HEADER_LENGTH;
        assertTrue(L4Checksum.isValidIpv6(out, ip, ip + Ipv6Packet.HEADER_LENGTH, Ipv6Packet.PROTO_UDP));
        assertEquals(1, n.counters().checksumsCompleted());
    }

    @Test
    void aLaterFragmentCarriesNoPortAndGoesToTheWildcardVserver() throws Exception {
        ForwarderHarness n = dualStack();
        int a6 = n.lb.serviceId("a6");
        int b6 = n.lb.serviceId("b6");
        MacAddress a6Mac = n.lb.state().services()[a6].mac();
        MacAddress b6Mac = n.lb.state().services()[b6].mac();
        int[] fragment = {Ipv6Packet.PROTO_FRAGMENT};
        byte[] first = HostileFrames.udpIpv6(
                LB,
                ROUTER,
                CLIENT,
                VIP6,
                40000,
                69,
                fragment,
                new byte[][] {HostileFrames.fragmentHeader(0, true, 7)},
                new byte[64],
                false);
        byte[] later = HostileFrames.ipv6(
                LB,
                ROUTER,
                CLIENT,
                VIP6,
                64,
                fragment,
                new byte[][] {HostileFrames.fragmentHeader(9, false, 7)},
                Ipv6Packet.PROTO_UDP,
                new byte[40]);
        byte[] outFirst = n.exchange(first);
        assertTrue(a6Mac.matches(outFirst, Ethernet.DESTINATION), "the first fragment has port 69");
        byte[] outLater = n.exchange(later);
        assertTrue(b6Mac.matches(outLater, Ethernet.DESTINATION), "port -1 matches only ANY *");
        assertArrayEquals(
                java.util.Arrays.copyOfRange(later, Ethernet.ETHER_TYPE, later.length),
                java.util.Arrays.copyOfRange(outLater, Ethernet.ETHER_TYPE, outLater.length));
        assertEquals(2, n.forwardedIpv6.size());
        assertArrayEquals(
                new int[] {first.length, Ethernet.HEADER_LENGTH, 1, a6, Ipv6Packet.PROTO_UDP, 69},
                n.forwardedIpv6.get(0),
                "length, ip, vip index, service, protocol, port");
        assertArrayEquals(
                new int[] {later.length, Ethernet.HEADER_LENGTH, 1, b6, Ipv6Packet.PROTO_UDP, -1},
                n.forwardedIpv6.get(1));
        assertEquals(0, n.forwardedIpv4(), "an IPv6 frame is never told as an IPv4 one");
        assertEquals(1, n.lb.forwardedPackets(a6));
        assertEquals(1, n.lb.forwardedPackets(b6));
    }

    @Test
    void anIpv4VipIsNeverReachedThroughAnIpv6Header() throws Exception {
        ForwarderHarness n = dualStack();
        // 198.51.100.20 = c633:6414: the IPv4 VIP's low 64 bits under a real IPv6 prefix, and
        // the IPv4-mapped spelling of the IPv4 VIP itself.
        // (IpAddress.parse refuses the mapped text; FrameBuilder writes an IPv4 address mapped.)
        IpAddress mapped = IpAddress.ofIpv4(TestConfigs.VIP);
        for (IpAddress dst :
                new IpAddress[] {IpAddress.parse("2001:db8::ffff:c633:6414"), mapped, IpAddress.parse("::c633:6414")}) {
            n.assertDropped(
                    DropReason.NOT_VIP,
                    frame().eth(ROUTER, LB)
                            .ipv6(CLIENT, dst)
                            .udp(40000, 69)
                            .payload(tftpRrq("x"))
                            .build());
        }
        // And the IPv4 VIP's NDP: a solicitation for its mapped form is not for a VIP6.
        n.assertDropped(
                DropReason.NDP_NOT_FOR_VIP,
                frame().eth(ROUTER, MacAddress.parse("33:33:ff:33:64:14"))
                        .ipv6(ROUTER6, Ndp.solicitedNode(mapped))
                        .neighborSolicitation(mapped)
                        .build());
        assertEquals(0, n.counters().arpRepliesSent());
        // Nor is a mapped address claimed by an advertisement a conflict on the IPv4 VIP.
        n.handle(frame().eth(TFTP1, ALL_NODES_MAC)
                .ipv6(ROUTER6, ALL_NODES)
                .neighborAdvertisement(mapped, Ndp.FLAG_OVERRIDE)
                .build());
        assertEquals(0, n.counters().vipArpConflicts());
        assertEquals(0, n.counters().forwarded());
    }

    @Test
    void aSolicitationForTheVip6IsAnsweredMulticastOrUnicast() {
        ForwarderHarness n = anyStar(2, LbMethod.ROUNDROBIN, PersistenceType.SOURCEIP);
        assertEquals(SOLICITED, Ndp.solicitedNode(VIP6));
        byte[] expected = frame().eth(LB, ROUTER)
                .ipv6(VIP6, ROUTER6)
                .neighborAdvertisement(VIP6, Ndp.FLAG_SOLICITED | Ndp.FLAG_OVERRIDE)
                .build();
        byte[] multicast = frame().eth(ROUTER, SOLICITED_MAC)
                .ipv6(ROUTER6, SOLICITED)
                .neighborSolicitation(VIP6)
                .build();
        assertArrayEquals(expected, n.exchange(multicast));
        // A neighbour confirming reachability asks the VIP itself, at our MAC: answered, not forwarded.
        byte[] unicast = frame().eth(ROUTER, LB)
                .ipv6(ROUTER6, VIP6)
                .neighborSolicitation(VIP6)
                .build();
        assertArrayEquals(expected, n.exchange(unicast));
        assertEquals(2, n.counters().arpRepliesSent());
        assertEquals(0, n.counters().forwarded());
        assertEquals(List.of(), n.forwardedIpv6);
    }

    @Test
    void theAnswerIsWhatNdpWritesAndCarriesTheRequestsTag() throws Exception {
        ForwarderHarness n = anyStar(2, LbMethod.ROUNDROBIN, PersistenceType.SOURCEIP);
        byte[] ns = frame().eth(ROUTER, SOLICITED_MAC)
                .ipv6(ROUTER6, SOLICITED)
                .neighborSolicitation(VIP6)
                .build();
        int ip = Ethernet.HEADER_LENGTH;
        byte[] byNdp = new byte[Ndp.FRAME_LENGTH];
        int length = Ndp.writeAdvertisement(ns, ip, ip + Ipv6Packet.HEADER_LENGTH, byNdp, 0, LB);
        assertEquals(Ndp.FRAME_LENGTH, length);
        assertArrayEquals(byNdp, n.exchange(ns));
    }

    @Test
    void duplicateAddressDetectionForTheVip6IsAnsweredToAllNodes() {
        ForwarderHarness n = anyStar(2, LbMethod.ROUNDROBIN, PersistenceType.SOURCEIP);
        MacAddress host = MacAddress.parse("02:00:00:00:00:44");
        byte[] dad = frame().eth(host, SOLICITED_MAC)
                .ipv6(IpAddress.parse("::"), SOLICITED)
                .neighborSolicitation(VIP6)
                .build();
        byte[] expected = frame().eth(LB, ALL_NODES_MAC)
                .ipv6(VIP6, ALL_NODES)
                .neighborAdvertisement(VIP6, Ndp.FLAG_OVERRIDE)
                .build();
        assertArrayEquals(expected, n.exchange(dad), "the address is taken: told to everyone, not Solicited");
    }

    @Test
    void solicitationsNotForAVipOrMalformedAreNotAnswered() {
        ForwarderHarness n = anyStar(2, LbMethod.ROUNDROBIN, PersistenceType.SOURCEIP);
        IpAddress backend = IpAddress.parse("2001:db8::30");
        n.assertDropped(
                DropReason.NDP_NOT_FOR_VIP,
                frame().eth(ROUTER, MacAddress.parse("33:33:ff:00:00:30"))
                        .ipv6(ROUTER6, Ndp.solicitedNode(backend))
                        .neighborSolicitation(backend)
                        .build());
        byte[] routed = frame().eth(ROUTER, SOLICITED_MAC)
                .ipv6(ROUTER6, SOLICITED)
                .neighborSolicitation(VIP6)
                .build();
        // Hop limit is not in the pseudo-header: the checksum still holds, only RFC 4861 7.1.1 fails.
        routed[Ethernet.HEADER_LENGTH + Ipv6Packet.HOP_LIMIT] = 64;
        n.assertDropped(DropReason.MALFORMED_NDP, routed);
        byte[] badChecksum = frame().eth(ROUTER, SOLICITED_MAC)
                .ipv6(ROUTER6, SOLICITED)
                .neighborSolicitation(VIP6)
                .build();
        badChecksum[Ethernet.HEADER_LENGTH + Ipv6Packet.HEADER_LENGTH + Icmpv6.CHECKSUM] ^= 1;
        n.assertDropped(DropReason.MALFORMED_NDP, badChecksum);
        assertEquals(0, n.counters().arpRepliesSent());
    }

    @Test
    void routerDiscoveryAndRedirectsToTheVip6AreNeverForwarded() {
        ForwarderHarness n = anyStar(2, LbMethod.ROUNDROBIN, PersistenceType.SOURCEIP);
        for (int type = Icmpv6.TYPE_ROUTER_SOLICITATION; type <= Icmpv6.TYPE_REDIRECT; type++) {
            if (type == Icmpv6.TYPE_NEIGHBOR_SOLICITATION) {
                continue;
            }
            byte[] message = new byte[40];
            message[Icmpv6.TYPE] = (byte) type;
            byte[] f = HostileFrames.ipv6(
                    LB, ROUTER, ROUTER6, VIP6, 255, new int[0], new byte[0][], Ipv6Packet.PROTO_ICMPV6, message);
            int ip = Ethernet.HEADER_LENGTH;
            Icmpv6.fill(f, ip, ip + Ipv6Packet.HEADER_LENGTH, message.length);
            assertEquals(List.of(), n.handle(f), "ICMPv6 type " + type + ": nothing sent");
        }
        // Neighbor Discovery in a first fragment still shows its type: not forwarded either.
        byte[] ns = frame().eth(ROUTER, LB)
                .ipv6(ROUTER6, VIP6)
                .neighborSolicitation(VIP6)
                .build();
        int icmp = Ethernet.HEADER_LENGTH + Ipv6Packet.HEADER_LENGTH;
        byte[] fragmented = HostileFrames.ipv6(
                LB,
                ROUTER,
                ROUTER6,
                VIP6,
                255,
                new int[] {Ipv6Packet.PROTO_FRAGMENT},
                new byte[][] {HostileFrames.fragmentHeader(0, true, 9)},
                Ipv6Packet.PROTO_ICMPV6,
                java.util.Arrays.copyOfRange(ns, icmp, ns.length));
        assertEquals(List.of(), n.handle(fragmented), "a fragmented solicitation: nothing sent");
        assertEquals(0, n.counters().forwarded());
        assertEquals(List.of(), n.forwardedIpv6);
    }

    @Test
    void aStandbyNeitherAnswersForTheVip6NorForwards() {
        ForwarderHarness n = anyStar(2, LbMethod.ROUNDROBIN, PersistenceType.SOURCEIP);
        n.forwarder.setActive(false);
        n.assertDropped(
                DropReason.STANDBY,
                frame().eth(ROUTER, SOLICITED_MAC)
                        .ipv6(ROUTER6, SOLICITED)
                        .neighborSolicitation(VIP6)
                        .build());
        n.assertDropped(DropReason.STANDBY, udp(CLIENT, 69, tftpRrq("x")));
        // The active peer's unsolicited advertisement is expected on a standby, not a conflict.
        n.handle(frame().eth(TFTP1, ALL_NODES_MAC)
                .ipv6(VIP6, ALL_NODES)
                .neighborAdvertisement(VIP6, Ndp.FLAG_OVERRIDE)
                .build());
        assertEquals(0, n.counters().vipArpConflicts());
        assertEquals(0, n.counters().forwarded());
    }

    @Test
    void anAdvertisementForTheVip6FromAnotherMacIsAConflict() {
        ForwarderHarness n = anyStar(2, LbMethod.ROUNDROBIN, PersistenceType.SOURCEIP);
        byte[] claim = frame().eth(TFTP1, ALL_NODES_MAC)
                .ipv6(VIP6, ALL_NODES)
                .neighborAdvertisement(VIP6, Ndp.FLAG_OVERRIDE)
                .build();
        n.assertDropped(DropReason.NDP_NOT_FOR_VIP, claim);
        assertEquals(1, n.counters().vipArpConflicts());
        Counters.VipArpConflict last = n.counters().lastVipArpConflict();
        assertEquals(VIP6, last.vip());
        assertEquals(TFTP1, last.mac());
        assertEquals(1, n.advertisements.size(), "the resolver sees every valid advertisement");
        assertArrayEquals(
                new int[] {Ethernet.HEADER_LENGTH, Ethernet.HEADER_LENGTH + Ipv6Packet.HEADER_LENGTH, 0},
                n.advertisements.get(0));
        // A backend answering for itself is no conflict, and reaches the resolver too.
        IpAddress backend = IpAddress.parse("2001:db8::30");
        n.handle(frame().eth(TFTP1, LB)
                .ipv6(backend, IpAddress.parse("2001:db8::10"))
                .neighborAdvertisement(backend, Ndp.FLAG_SOLICITED | Ndp.FLAG_OVERRIDE)
                .build());
        assertEquals(1, n.counters().vipArpConflicts());
        assertEquals(2, n.advertisements.size());
    }

    @Test
    void aTaggedFrameForAnUntaggedVip6IsOnTheWrongVlan() {
        ForwarderHarness n = anyStar(2, LbMethod.ROUNDROBIN, PersistenceType.SOURCEIP);
        n.assertDropped(
                DropReason.WRONG_VLAN,
                frame().eth(ROUTER, LB)
                        .vlan(100)
                        .ipv6(CLIENT, VIP6)
                        .udp(40000, 69)
                        .payload(tftpRrq("x"))
                        .build());
        n.assertDropped(
                DropReason.WRONG_VLAN,
                frame().eth(ROUTER, SOLICITED_MAC)
                        .vlan(100)
                        .ipv6(ROUTER6, SOLICITED)
                        .neighborSolicitation(VIP6)
                        .build());
        // A priority tag (VLAN 0) is the untagged LAN: forwarded with the tag kept.
        byte[] priority = frame().eth(ROUTER, LB)
                .vlan(0)
                .ipv6(CLIENT, VIP6)
                .udp(40000, 69)
                .payload(tftpRrq("x"))
                .build();
        byte[] expected = frame().eth(LB, TFTP1)
                .vlan(0)
                .ipv6(CLIENT, VIP6)
                .udp(40000, 69)
                .payload(tftpRrq("x"))
                .build();
        assertArrayEquals(expected, n.exchange(priority));
        assertEquals(Ethernet.TAGGED_HEADER_LENGTH, n.forwardedIpv6.get(0)[1], "ip after the tag");
    }

    @Test
    void whatMustNotBeForwardedIsDroppedWithItsReason() {
        ForwarderHarness n = anyStar(2, LbMethod.ROUNDROBIN, PersistenceType.SOURCEIP);
        n.assertDropped(
                DropReason.GROUP_DESTINATION,
                frame().eth(ROUTER, ALL_NODES_MAC)
                        .ipv6(CLIENT, VIP6)
                        .udp(40000, 69)
                        .payload(new byte[4])
                        .build());
        n.assertDropped(
                DropReason.NOT_OUR_MAC,
                frame().eth(ROUTER, TFTP2)
                        .ipv6(CLIENT, VIP6)
                        .udp(40000, 69)
                        .payload(new byte[4])
                        .build());
        n.assertDropped(
                DropReason.WOULD_LOOP,
                frame().eth(TFTP1, LB)
                        .ipv6(CLIENT, VIP6)
                        .udp(40000, 69)
                        .payload(new byte[4])
                        .build());
        byte[] longPayload = udp(CLIENT, 69, new byte[40]);
        n.assertDropped(DropReason.BAD_IP_HEADER, java.util.Arrays.copyOf(longPayload, longPayload.length - 10));
        n.lb.setHealth(0, ServiceStatus.DOWN, "test");
        n.lb.setHealth(1, ServiceStatus.DOWN, "test");
        n.assertDropped(DropReason.NO_SERVICE_UP, udp(CLIENT, 69, new byte[4]));
        assertEquals(0, n.counters().forwarded());
    }
}
