package dsrlb.dataplane;

import static dsrlb.testing.FrameBuilder.frame;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dsrlb.balance.LoadBalancer;
import dsrlb.balance.ServiceStatus;
import dsrlb.balance.TestConfigs;
import dsrlb.config.LbMethod;
import dsrlb.config.PersistenceType;
import dsrlb.frame.Arp;
import dsrlb.frame.Bytes;
import dsrlb.frame.Ethernet;
import dsrlb.frame.Icmpv6;
import dsrlb.frame.Ipv6Packet;
import dsrlb.frame.Ndp;
import dsrlb.net.IpAddress;
import dsrlb.net.Ipv4;
import dsrlb.net.MacAddress;
import dsrlb.testing.FakeTicker;
import dsrlb.testing.MemoryPacketIo;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class ArpResolverTest {
    static final MacAddress LB = MacAddress.parse("02:00:00:00:00:10");
    static final MacAddress TFTP1 = MacAddress.parse("02:00:00:00:00:30");
    static final int LB_IP = Ipv4.parse("198.51.100.10");
    static final int TFTP1_IP = Ipv4.parse("198.51.100.30");

    final MemoryPacketIo io = new MemoryPacketIo(LB);
    long now = 1_000_000_000L;
    final LoadBalancer lb = new LoadBalancer(TestConfigs.seed(), new FakeTicker(), 251);
    final ArpResolver resolver =
            new ArpResolver(io, lb, LB_IP, TimeUnit.SECONDS.toNanos(10), TimeUnit.SECONDS.toNanos(35), () -> now);

    /** What a backend answers to dsrlb's request: to our MAC and address, from its own MAC. */
    static byte[] replyFrom(MacAddress mac, int ip) {
        byte[] f = new byte[Arp.FRAME_LENGTH];
        Arp.writeRequest(f, mac, ip, LB_IP);
        f[Arp.OFFSET + 7] = Arp.OP_REPLY;
        LB.writeTo(f, Ethernet.DESTINATION);
        LB.writeTo(f, Arp.TARGET_MAC);
        return f;
    }

    @Test
    void asksEveryBackendFromTheLbsOwnAddressAndProbesTheVip() {
        resolver.tick();
        List<byte[]> sent = io.sent();
        assertEquals(3, sent.size());
        assertEquals(TestConfigs.VIP, Arp.targetIp(sent.get(0)), "who has the VIP? only we may answer");
        sent = sent.subList(1, 3);
        for (byte[] f : sent) {
            assertTrue(MacAddress.BROADCAST.matches(f, 0));
            assertEquals(Arp.OP_REQUEST, Arp.operation(f));
            assertEquals(LB_IP, Arp.senderIp(f));
        }
        assertEquals(TFTP1_IP, Arp.targetIp(sent.get(0)));
        assertEquals(Ipv4.parse("198.51.100.31"), Arp.targetIp(sent.get(1)));
    }

    @Test
    void aReplyMakesTheServiceUpAndSilenceTakesItDownAgain() {
        assertEquals(ServiceStatus.DOWN, lb.state().services()[0].status());
        resolver.onArp(replyFrom(TFTP1, TFTP1_IP));
        assertEquals(TFTP1, lb.state().services()[0].mac());
        assertEquals(ServiceStatus.UP, lb.state().services()[0].status());
        assertFalse(resolver.allResolved(), "tftp2 has not answered");

        resolver.tick();
        io.clearSent();
        now += TimeUnit.SECONDS.toNanos(5);
        resolver.tick();
        assertEquals(1, io.sent().size(), "only the unresolved backend is asked before the refresh is due");

        io.clearSent();
        now += TimeUnit.SECONDS.toNanos(6);
        resolver.tick();
        assertEquals(3, io.sent().size(), "refresh due for the resolved one and the VIP probe");

        now += TimeUnit.SECONDS.toNanos(30);
        resolver.tick();
        assertNull(lb.state().services()[0].mac(), "silent for 41 s > 35 s: MAC forgotten");
        assertEquals(ServiceStatus.DOWN, lb.state().services()[0].status());
    }

    @Test
    void aSecondMacIsAConflictWhileTheFirstAnswersAndIsFollowedOnceItIsSilent() {
        resolver.onArp(replyFrom(TFTP1, TFTP1_IP));
        MacAddress other = MacAddress.parse("02:00:00:00:00:99");
        resolver.onArp(replyFrom(other, TFTP1_IP));
        assertEquals(TFTP1, lb.state().services()[0].mac(), "not adopted while tftp1's MAC still answers");
        assertEquals(1, lb.macConflicts().count(0));
        assertEquals(other, lb.macConflicts().last(0));

        // Flapping: the learned MAC and the other, a thousand times: no adoption, no rebuild.
        ForwardingStateCounter states = new ForwardingStateCounter(lb);
        for (int k = 0; k < 1000; k++) {
            resolver.onArp(replyFrom(TFTP1, TFTP1_IP));
            resolver.onArp(replyFrom(other, TFTP1_IP));
        }
        assertEquals(TFTP1, lb.state().services()[0].mac());
        assertEquals(1001, lb.macConflicts().count(0));
        assertEquals(0, states.published(), "no forwarding state rebuilt for a conflict");

        // A NIC that really changed: the old MAC goes silent past --arp-stale, the new one is learned.
        now += TimeUnit.SECONDS.toNanos(36);
        resolver.tick();
        assertNull(lb.state().services()[0].mac());
        resolver.onArp(replyFrom(other, TFTP1_IP));
        assertEquals(other, lb.state().services()[0].mac());
    }

    @Test
    void gratuitousArpRequestsAndRepliesToOthersNeverTeachAMac() {
        byte[] gratuitous = new byte[Arp.FRAME_LENGTH];
        Arp.writeGratuitous(gratuitous, TFTP1, TFTP1_IP);
        resolver.onArp(gratuitous);
        byte[] request = new byte[Arp.FRAME_LENGTH];
        Arp.writeRequest(request, TFTP1, TFTP1_IP, LB_IP);
        resolver.onArp(request);
        byte[] toAnother = replyFrom(TFTP1, TFTP1_IP);
        MacAddress.parse("02:00:00:00:00:77").writeTo(toAnother, Arp.TARGET_MAC);
        resolver.onArp(toAnother);
        byte[] forged = replyFrom(TFTP1, TFTP1_IP);
        MacAddress.parse("02:00:00:00:00:66").writeTo(forged, Ethernet.SOURCE);
        resolver.onArp(forged);
        assertNull(lb.state().services()[0].mac(), "only a reply to our request, from its own MAC, teaches");

        resolver.onArp(replyFrom(TFTP1, TFTP1_IP));
        MacAddress rogue = MacAddress.parse("02:00:00:00:00:66");
        byte[] spoof = new byte[Arp.FRAME_LENGTH];
        Arp.writeGratuitous(spoof, rogue, TFTP1_IP);
        resolver.onArp(spoof);
        assertEquals(TFTP1, lb.state().services()[0].mac(), "a spoofed gratuitous ARP takes nothing");
    }

    @Test
    void arpFromOtherHostsIsIgnored() {
        resolver.onArp(replyFrom(TFTP1, Ipv4.parse("198.51.100.99")));
        assertNull(lb.state().services()[0].mac());
        assertNull(lb.state().services()[1].mac());
    }

    /** Found by ForwarderFuzzTest: a spoofed reply made the forwarder send every client's packets to a group MAC. */
    @Test
    void aBackendIsNeverLearnedAtAGroupZeroOrOurOwnMac() {
        resolver.onArp(replyFrom(TFTP1, TFTP1_IP));
        for (String bad : new String[] {
            "31:00:00:00:00:31", "ff:ff:ff:ff:ff:ff", "01:00:5e:00:00:01", "00:00:00:00:00:00", LB.toString()
        }) {
            resolver.onArp(replyFrom(MacAddress.parse(bad), TFTP1_IP));
            assertEquals(TFTP1, lb.state().services()[0].mac(), bad + " ignored");
        }
    }

    // IPv6 backends (issue 17): Neighbor Discovery from the interface's own IPv6 address.

    static final IpAddress LB_IP6 = IpAddress.parse("2001:db8::10");
    static final IpAddress TFTP1_IP6 = IpAddress.parse("2001:db8::30");
    static final IpAddress TFTP2_IP6 = IpAddress.parse("2001:db8::31");

    final LoadBalancer lb6 = new LoadBalancer(
            TestConfigs.anyStar6(2, LbMethod.ROUNDROBIN, PersistenceType.SOURCEIP, 100, 1000), new FakeTicker(), 251);
    final ArpResolver resolver6 = new ArpResolver(
            io, lb6, LB_IP, LB_IP6, TimeUnit.SECONDS.toNanos(10), TimeUnit.SECONDS.toNanos(35), () -> now);
    /** The resolver behind a forwarder, as the daemon wires it: advertisements reach it only once valid. */
    final Forwarder forwarder6 = Forwarder.following(lb6, io, resolver6);

    /** A backend's answer to our solicitation: solicited, to our address and MAC, its MAC as TLLA. */
    static byte[] advertisementFrom(MacAddress mac, IpAddress ip) {
        return frame().eth(mac, LB)
                .ipv6(ip, LB_IP6)
                .neighborAdvertisement(ip, Ndp.FLAG_SOLICITED | Ndp.FLAG_OVERRIDE)
                .build();
    }

    private void handle6(byte[] f) {
        forwarder6.handle(f.clone(), f.length);
    }

    private MacAddress mac6(int id) {
        return lb6.state().services()[id].mac();
    }

    @Test
    void asksIpv6BackendsBySolicitationFromOurOwnIpv6Address() {
        resolver6.tick();
        List<byte[]> sent = io.sent();
        assertEquals(3, sent.size(), "who has the VIP6, then one solicitation a backend; no IPv4 VIP to probe");
        assertArrayEquals(
                frame().eth(LB, MacAddress.parse("33:33:ff:00:00:20"))
                        .ipv6(LB_IP6, IpAddress.parse("ff02::1:ff00:20"))
                        .neighborSolicitation(TestConfigs.VIP6)
                        .build(),
                sent.get(0),
                "who has the VIP6? only we may answer");
        sent = sent.subList(1, 3);
        assertArrayEquals(
                frame().eth(LB, MacAddress.parse("33:33:ff:00:00:30"))
                        .ipv6(LB_IP6, IpAddress.parse("ff02::1:ff00:30"))
                        .neighborSolicitation(TFTP1_IP6)
                        .build(),
                sent.get(0),
                "from our address and MAC (SLLA) to the backend's solicited-node group");
        assertArrayEquals(
                frame().eth(LB, MacAddress.parse("33:33:ff:00:00:31"))
                        .ipv6(LB_IP6, IpAddress.parse("ff02::1:ff00:31"))
                        .neighborSolicitation(TFTP2_IP6)
                        .build(),
                sent.get(1));
    }

    @Test
    void aHostAnsweringTheVip6ProbeIsCountedAsAConflict() {
        resolver6.tick();
        // A backend with the VIP6 on its LAN interface instead of lo answers our probe.
        handle6(frame().eth(TFTP1, LB)
                .ipv6(TestConfigs.VIP6, LB_IP6)
                .neighborAdvertisement(TestConfigs.VIP6, Ndp.FLAG_SOLICITED | Ndp.FLAG_OVERRIDE)
                .build());
        assertEquals(1, forwarder6.counters().vipArpConflicts());
        assertEquals(TFTP1, forwarder6.counters().lastVipArpConflict().mac());
        assertEquals(null, mac6(0), "and it teaches no backend's MAC");
    }

    @Test
    void aSolicitedAdvertisementToOurAddressTeachesTheMac() {
        handle6(advertisementFrom(TFTP1, TFTP1_IP6));
        assertEquals(TFTP1, mac6(0));
        assertEquals(ServiceStatus.UP, lb6.state().services()[0].status());
        assertNull(mac6(1));
        assertEquals(0, forwarder6.counters().vipArpConflicts());

        // Silent past --arp-stale: forgotten, as an IPv4 backend is.
        now += TimeUnit.SECONDS.toNanos(36);
        resolver6.tick();
        assertNull(mac6(0));
        assertEquals(ServiceStatus.DOWN, lb6.state().services()[0].status());
    }

    @Test
    void onlyAnAnswerToOurOwnSolicitationTeaches() {
        // Unsolicited, to all nodes (what a host sends when its address moves).
        handle6(frame().eth(TFTP1, MacAddress.parse("33:33:00:00:00:01"))
                .ipv6(TFTP1_IP6, IpAddress.parse("ff02::1"))
                .neighborAdvertisement(TFTP1_IP6, Ndp.FLAG_OVERRIDE)
                .build());
        // Without the Solicited flag, even to us.
        handle6(frame().eth(TFTP1, LB)
                .ipv6(TFTP1_IP6, LB_IP6)
                .neighborAdvertisement(TFTP1_IP6, Ndp.FLAG_OVERRIDE)
                .build());
        // Solicited by another host (its address), though at our MAC.
        handle6(frame().eth(TFTP1, LB)
                .ipv6(TFTP1_IP6, IpAddress.parse("2001:db8::99"))
                .neighborAdvertisement(TFTP1_IP6, Ndp.FLAG_SOLICITED | Ndp.FLAG_OVERRIDE)
                .build());
        // To our address but another MAC.
        handle6(frame().eth(TFTP1, MacAddress.parse("02:00:00:00:00:77"))
                .ipv6(TFTP1_IP6, LB_IP6)
                .neighborAdvertisement(TFTP1_IP6, Ndp.FLAG_SOLICITED | Ndp.FLAG_OVERRIDE)
                .build());
        // Tagged: no VLAN subnet holds these backends, they live on the untagged LAN.
        handle6(frame().eth(TFTP1, LB)
                .vlan(100)
                .ipv6(TFTP1_IP6, LB_IP6)
                .neighborAdvertisement(TFTP1_IP6, Ndp.FLAG_SOLICITED | Ndp.FLAG_OVERRIDE)
                .build());
        // A target link-layer address that is not the frame's source (someone speaking for another).
        byte[] forged = advertisementFrom(TFTP1, TFTP1_IP6);
        int ip = Ethernet.HEADER_LENGTH;
        int icmp = ip + Ipv6Packet.HEADER_LENGTH;
        MacAddress.parse("02:00:00:00:00:66").writeTo(forged, icmp + Ndp.OPTIONS + 2);
        Icmpv6.fill(forged, ip, icmp, forged.length - icmp);
        handle6(forged);
        // No target link-layer option at all.
        byte[] bare = advertisementFrom(TFTP1, TFTP1_IP6);
        bare = java.util.Arrays.copyOf(bare, bare.length - Ndp.LINK_ADDRESS_OPTION_LENGTH);
        Bytes.putU16(bare, ip + Ipv6Packet.PAYLOAD_LENGTH, Ndp.MESSAGE_LENGTH);
        Icmpv6.fill(bare, ip, icmp, Ndp.MESSAGE_LENGTH);
        handle6(bare);
        // A group, zero or our own MAC as source and TLLA.
        for (String bad : new String[] {"33:33:00:00:00:01", "01:00:5e:00:00:01", "00:00:00:00:00:00"}) {
            handle6(advertisementFrom(MacAddress.parse(bad), TFTP1_IP6));
        }
        resolver6.onNeighborAdvertisement(advertisementFrom(LB, TFTP1_IP6), ip, icmp, 0);
        assertNull(mac6(0), "only a solicited answer to our own address, from its own MAC, teaches");
        // Malformed: the forwarder drops it before the resolver sees it.
        byte[] routed = advertisementFrom(TFTP1, TFTP1_IP6);
        routed[ip + Ipv6Packet.HOP_LIMIT] = 64;
        handle6(routed);
        assertNull(mac6(0));
        assertTrue(forwarder6.counters().drops(DropReason.MALFORMED_NDP) >= 1);

        handle6(advertisementFrom(TFTP1, TFTP1_IP6));
        assertEquals(TFTP1, mac6(0), "the real answer still teaches");
    }

    @Test
    void anArpReplyNeverTeachesAnIpv6BackendsMac() {
        // An IPv6 backend has no IPv4 address: a reply "0.0.0.0 is at …" to our address is not its answer.
        resolver6.onArp(replyFrom(TFTP1, 0));
        assertNull(mac6(0));
        assertNull(mac6(1));
    }

    @Test
    void aSecondMacForAnIpv6BackendIsAConflictUntilTheFirstIsSilent() {
        handle6(advertisementFrom(TFTP1, TFTP1_IP6));
        MacAddress other = MacAddress.parse("02:00:00:00:00:99");
        handle6(advertisementFrom(other, TFTP1_IP6));
        handle6(advertisementFrom(TFTP1, TFTP1_IP6));
        handle6(advertisementFrom(other, TFTP1_IP6));
        assertEquals(TFTP1, mac6(0), "not adopted while the first still answers");
        assertEquals(2, lb6.macConflicts().count(0));
        assertEquals(other, lb6.macConflicts().last(0));

        now += TimeUnit.SECONDS.toNanos(36);
        resolver6.tick();
        assertNull(mac6(0));
        handle6(advertisementFrom(other, TFTP1_IP6));
        assertEquals(other, mac6(0), "a NIC that really changed is followed once the old one is silent");
    }

    @Test
    void withoutAnOwnIpv6AddressNothingIsAskedAndItIsLoggedOnce() {
        ArpResolver noIpv6 = new ArpResolver(
                io, lb6, LB_IP, null, TimeUnit.SECONDS.toNanos(10), TimeUnit.SECONDS.toNanos(35), () -> now);
        Logger logger = (Logger) LoggerFactory.getLogger(ArpResolver.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        // Another test class in the same JVM (ForwarderFuzzTest) may have raised the root level.
        Level level = logger.getLevel();
        logger.setLevel(Level.WARN);
        try {
            for (int round = 0; round < 3; round++) {
                noIpv6.tick();
                now += TimeUnit.SECONDS.toNanos(11);
            }
        } finally {
            logger.setLevel(level);
            logger.detachAppender(appender);
        }
        assertEquals(List.of(), io.sent(), "no solicitation from no address");
        List<ILoggingEvent> warnings =
                appender.list.stream().filter(e -> e.getLevel() == Level.WARN).toList();
        assertEquals(1, warnings.size(), "one line, not one a second: " + warnings);
        assertTrue(warnings.get(0).getFormattedMessage().contains("no IPv6 address"));
        // Nor does an advertisement teach anything: nothing was asked.
        noIpv6.onNeighborAdvertisement(
                advertisementFrom(TFTP1, TFTP1_IP6),
                Ethernet.HEADER_LENGTH,
                Ethernet.HEADER_LENGTH + Ipv6Packet.HEADER_LENGTH,
                0);
        assertNull(mac6(0));
    }

    /** Counts the forwarding states the balancer publishes from now on. */
    static final class ForwardingStateCounter {
        private final int[] count = new int[1];

        ForwardingStateCounter(LoadBalancer lb) {
            lb.subscribe(s -> count[0]++);
            count[0] = 0;
        }

        int published() {
            return count[0];
        }
    }
}
