package dsrlb.dataplane;

import static dsrlb.testing.ForwarderHarness.LB;
import static dsrlb.testing.ForwarderHarness.ROUTER;
import static dsrlb.testing.ForwarderHarness.TFTP1;
import static dsrlb.testing.ForwarderHarness.TFTP2;
import static dsrlb.testing.FrameBuilder.frame;
import static dsrlb.testing.FrameBuilder.tftpRrq;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dsrlb.balance.TestConfigs;
import dsrlb.config.DsrConfig;
import dsrlb.config.LbMethod;
import dsrlb.config.PersistenceType;
import dsrlb.frame.Arp;
import dsrlb.frame.Bytes;
import dsrlb.frame.Ethernet;
import dsrlb.frame.HostileFrames;
import dsrlb.frame.Ipv4Packet;
import dsrlb.frame.L4Checksum;
import dsrlb.net.IpAddress;
import dsrlb.net.Ipv4;
import dsrlb.net.MacAddress;
import dsrlb.testing.ForwarderHarness;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Frames a hostile or broken LAN sends, each with its defined outcome: forwarded with only the
 * MAC addresses changed, answered (ARP), or dropped and counted under one {@link DropReason}.
 * A dropped frame is never sent and never modified.
 */
class HostileTrafficTest {
    static final MacAddress INTRUDER = MacAddress.parse("02:00:00:00:00:66");
    static final int VIP = TestConfigs.VIP;
    static final int CLIENT = Ipv4.parse("192.0.2.10");
    static final int ROUTER_IP = Ipv4.parse("198.51.100.1");
    static final byte[] RRQ = tftpRrq("ARDBP32.BIN");

    ForwarderHarness node = start(TestConfigs.seed());

    private static ForwarderHarness start(DsrConfig config) {
        return ForwarderHarness.resolving(config, Ipv4.parse("198.51.100.10"));
    }

    private byte[] rrq(int client) {
        return frame().eth(ROUTER, LB)
                .ipv4(client, VIP)
                .udp(40000, 69)
                .payload(RRQ)
                .build();
    }

    /** The one frame sent for {@code frame}, from us and as long as it; the caller checks the rest. */
    private byte[] forward(byte[] frame) {
        byte[] out = node.exchange(frame);
        assertEquals(frame.length, out.length);
        assertTrue(LB.matches(out, Ethernet.SOURCE));
        return out;
    }

    @Test
    void truncatedFramesAreDroppedAtTheFirstHeaderThatDoesNotFit() {
        byte[] rrq = rrq(CLIENT);
        for (int n = 1; n < Ethernet.HEADER_LENGTH; n++) {
            node.assertDropped(DropReason.TRUNCATED, Arrays.copyOf(rrq, n));
        }
        for (int n = Ethernet.HEADER_LENGTH; n < rrq.length; n++) {
            node.assertDropped(DropReason.BAD_IP_HEADER, Arrays.copyOf(rrq, n)); // header or total length cut
        }
        byte[] arp = frame().eth(ROUTER, MacAddress.BROADCAST)
                .arpRequest(ROUTER_IP, VIP)
                .build();
        for (int n = Ethernet.HEADER_LENGTH; n < Arp.OFFSET + Arp.LENGTH; n++) {
            node.assertDropped(DropReason.MALFORMED_ARP, Arrays.copyOf(arp, n));
        }
    }

    @Test
    void badIhlAndTotalLengthAreDropped() {
        for (int ihl = 0; ihl < 5; ihl++) {
            byte[] f = rrq(CLIENT);
            f[Ethernet.HEADER_LENGTH] = (byte) (0x40 | ihl);
            node.assertDropped(DropReason.BAD_IP_HEADER, f);
        }
        byte[] longIhl = rrq(CLIENT);
        longIhl[Ethernet.HEADER_LENGTH] = 0x4f; // a 60-byte header
        Bytes.putU16(longIhl, Ethernet.HEADER_LENGTH + 2, 40); // in a packet said to be 40 bytes long
        node.assertDropped(DropReason.BAD_IP_HEADER, longIhl);

        byte[] beyondCapture = rrq(CLIENT);
        Bytes.putU16(beyondCapture, Ethernet.HEADER_LENGTH + 2, beyondCapture.length); // 14 bytes too long
        node.assertDropped(DropReason.BAD_IP_HEADER, beyondCapture);

        byte[] zero = rrq(CLIENT);
        Bytes.putU16(zero, Ethernet.HEADER_LENGTH + 2, 0);
        node.assertDropped(DropReason.BAD_IP_HEADER, zero);

        byte[] ipv6InIpv4 = rrq(CLIENT);
        ipv6InIpv4[Ethernet.HEADER_LENGTH] = 0x65;
        node.assertDropped(DropReason.BAD_IP_HEADER, ipv6InIpv4);
    }

    @Test
    void ethernetPaddingAfterAShortPacketIsForwardedAsCaptured() {
        byte[] ack = frame().eth(ROUTER, LB)
                .ipv4(CLIENT, VIP)
                .udp(40000, 50000)
                .payload(new byte[] {0, 4, 0, 1})
                .build();
        byte[] padded = Arrays.copyOf(ack, 60); // minimum Ethernet frame
        node.assertForwardedTo(TFTP1, padded);
    }

    @Test
    void ipOptionsAreForwardedUntouchedAndAPartialChecksumBehindThemCompleted() {
        byte[] options =
                HostileFrames.udpWithOptions(LB, ROUTER, CLIENT, VIP, 40000, 69, HostileFrames.routerAlert(), RRQ);
        node.assertForwardedTo(TFTP1, options);

        byte[] partial = options.clone();
        L4Checksum.fillPartial(partial, Ethernet.HEADER_LENGTH);
        byte[] out = forward(partial);
        assertTrue(L4Checksum.isValid(out, Ethernet.HEADER_LENGTH));
        assertArrayEquals(Arrays.copyOfRange(options, 12, options.length), Arrays.copyOfRange(out, 12, out.length));
    }

    @Test
    void fragmentsOfADatagramReachOneBackendWithSourceIpPersistence() {
        allFragmentsReachOneBackend();
    }

    @Test
    void fragmentsOfADatagramReachOneBackendWithSourceIpHash() {
        node = start(TestConfigs.anyStar(2, LbMethod.SOURCEIPHASH, PersistenceType.NONE, 0, 1));
        allFragmentsReachOneBackend();
    }

    /**
     * Eight clients' datagrams, fragmented, interleaved and partly reordered as a LAN may deliver
     * them: every fragment of a client's datagram goes where its first went, untouched (the UDP
     * checksum of a fragmented datagram covers bytes no single frame holds, so it is left alone).
     */
    private void allFragmentsReachOneBackend() {
        List<byte[]> frames = new ArrayList<>();
        for (int c = 0; c < 8; c++) {
            frames.addAll(HostileFrames.udpFragments(
                    LB, ROUTER, CLIENT + c, VIP, 40000, 69, 0x7000 + c, new byte[3000], 1480));
        }
        Collections.shuffle(frames, new Random(7));
        int[] backendOf = new int[8];
        Arrays.fill(backendOf, -1);
        for (byte[] f : frames) {
            int client = Ipv4Packet.source(f, Ethernet.HEADER_LENGTH) - CLIENT;
            byte[] out = forward(f);
            assertArrayEquals(Arrays.copyOfRange(f, 12, f.length), Arrays.copyOfRange(out, 12, out.length));
            int backend = TFTP1.matches(out, 0) ? 0 : 1;
            if (backendOf[client] < 0) {
                backendOf[client] = backend;
            }
            assertEquals(backendOf[client], backend, "client " + client + "'s fragments on one backend");
        }
        assertTrue(Arrays.stream(backendOf).distinct().count() == 2, "both backends used");
        assertEquals(0, node.counters().checksumsCompleted());
    }

    @Test
    void groupDestinationMacsAreNotForwarded() {
        for (String mac :
                new String[] {"ff:ff:ff:ff:ff:ff", "01:00:5e:00:00:fb", "33:33:00:00:00:01", "03:00:00:00:00:01"}) {
            node.assertDropped(
                    DropReason.GROUP_DESTINATION,
                    frame().eth(ROUTER, MacAddress.parse(mac))
                            .ipv4(CLIENT, VIP)
                            .udp(40000, 69)
                            .payload(RRQ)
                            .build());
        }
    }

    @Test
    void framesWithOurOwnSourceMacAreIgnored() {
        node.assertDropped(
                DropReason.OWN_SOURCE_MAC,
                frame().eth(LB, LB)
                        .ipv4(CLIENT, VIP)
                        .udp(40000, 69)
                        .payload(RRQ)
                        .build());
        node.assertDropped(
                DropReason.OWN_SOURCE_MAC,
                frame().eth(LB, MacAddress.BROADCAST).arpRequest(ROUTER_IP, VIP).build());
    }

    /**
     * The VIP here is untagged: a frame or an ARP request for it on a VLAN is dropped by rule
     * (VlanForwarderTest has VIPs on VLANs), QinQ always; nothing is sent, nothing answered.
     */
    @Test
    void vlanTaggedFramesForAnUntaggedVipAreDroppedNeverMangled() {
        node.assertDropped(DropReason.WRONG_VLAN, HostileFrames.vlanTagged(rrq(CLIENT), 10));
        node.assertDropped(
                DropReason.WRONG_VLAN,
                HostileFrames.vlanTagged(
                        frame().eth(ROUTER, MacAddress.BROADCAST)
                                .arpRequest(ROUTER_IP, VIP)
                                .build(),
                        10));
        byte[] qinq = HostileFrames.vlanTagged(HostileFrames.vlanTagged(rrq(CLIENT), 10), 20);
        Bytes.putU16(qinq, Ethernet.ETHER_TYPE, Ethernet.TYPE_QINQ);
        node.assertDropped(DropReason.VLAN_TAGGED, qinq);
        assertEquals(0, node.counters().arpRepliesSent());
    }

    /** dsrlb works at layer 2: it neither checks nor decrements the TTL, as a switch would not. */
    @Test
    void ttlOneAndZeroAreForwardedUnchanged() {
        for (int ttl : new int[] {1, 0}) {
            byte[] f = HostileFrames.udpWithTtl(LB, ROUTER, CLIENT, VIP, 40000, 69, ttl, RRQ);
            byte[] out = node.assertForwardedTo(TFTP1, f);
            assertEquals(ttl, out[Ethernet.HEADER_LENGTH + 8]);
        }
    }

    @Test
    void otherEthertypesAndTrafficForOthersAreDropped() {
        byte[] lldp = rrq(CLIENT);
        Bytes.putU16(lldp, Ethernet.ETHER_TYPE, 0x88cc);
        node.assertDropped(DropReason.OTHER_ETHERTYPE, lldp);
        byte[] ipv4AsIpv6 = rrq(CLIENT);
        Bytes.putU16(ipv4AsIpv6, Ethernet.ETHER_TYPE, Ethernet.TYPE_IPV6);
        node.assertDropped(DropReason.BAD_IP_HEADER, ipv4AsIpv6);
        node.assertDropped(
                DropReason.NOT_VIP,
                frame().eth(ROUTER, LB)
                        .ipv4(CLIENT, ROUTER_IP)
                        .udp(40000, 69)
                        .payload(RRQ)
                        .build());
        node.assertDropped(
                DropReason.NOT_OUR_MAC,
                frame().eth(ROUTER, TFTP2)
                        .ipv4(CLIENT, VIP)
                        .udp(40000, 69)
                        .payload(RRQ)
                        .build());
        node.assertDropped(
                DropReason.WOULD_LOOP,
                frame().eth(TFTP1, LB)
                        .ipv4(CLIENT, VIP)
                        .udp(40000, 69)
                        .payload(RRQ)
                        .build());
    }

    @Test
    void arpRequestsForTheVipFromAnyHostAreAnswered() {
        for (MacAddress asker : new MacAddress[] {ROUTER, TFTP1, INTRUDER}) {
            byte[] reply = node.exchange(frame().eth(asker, MacAddress.BROADCAST)
                    .arpRequest(ROUTER_IP, VIP)
                    .build());
            assertEquals(Arp.OP_REPLY, Arp.operation(reply));
            assertTrue(asker.matches(reply, Ethernet.DESTINATION));
            assertTrue(LB.matches(reply, Arp.SENDER_MAC));
        }
        assertEquals(3, node.counters().arpRepliesSent());
        assertEquals(0, node.counters().vipArpConflicts());
    }

    /** Another host claiming the VIP (a backend with arp_ignore=0, or a spoofer) is counted and named. */
    @Test
    void arpRepliesAndGratuitousArpForTheVipFromOthersAreCountedAsConflicts() {
        byte[] reply = HostileFrames.arpReply(INTRUDER, VIP, ROUTER, ROUTER_IP);
        node.assertDropped(DropReason.ARP_NOT_FOR_VIP, reply);
        assertEquals(1, node.counters().vipArpConflicts());
        Counters.VipArpConflict last = node.counters().lastVipArpConflict();
        assertNotNull(last);
        assertEquals(IpAddress.ofIpv4(VIP), last.vip());
        assertEquals(INTRUDER, last.mac());

        // A gratuitous ARP is a request for the VIP: we answer it (reasserting the VIP) and count the claim.
        byte[] garp = new byte[Arp.FRAME_LENGTH];
        Arp.writeGratuitous(garp, TFTP2, VIP);
        node.handle(garp);
        assertEquals(2, node.counters().vipArpConflicts());
        assertEquals(TFTP2, node.counters().lastVipArpConflict().mac());
        assertEquals(1, node.counters().arpRepliesSent());

        // Traffic still flows to the real backends.
        node.assertForwardedTo(TFTP1, rrq(CLIENT));
    }

    /** A spoofed ARP reply for a backend's address with a group or our own MAC does not redirect traffic. */
    @Test
    void spoofedBackendMacsAreNotLearned() {
        for (MacAddress spoof :
                new MacAddress[] {MacAddress.BROADCAST, MacAddress.parse("01:00:5e:00:00:01"), MacAddress.ZERO, LB}) {
            byte[] f = HostileFrames.arpReply(spoof, Ipv4.parse("198.51.100.30"), LB, Ipv4.parse("198.51.100.10"));
            INTRUDER.writeTo(f, Ethernet.SOURCE);
            node.assertDropped(DropReason.ARP_NOT_FOR_VIP, f);
        }
        node.assertForwardedTo(TFTP1, rrq(CLIENT));
    }
}
