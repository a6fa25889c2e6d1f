package dsrlb.frame;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dsrlb.net.IpAddress;
import dsrlb.net.MacAddress;
import java.util.Arrays;

/**
 * The frame codecs under arbitrary bytes. Every array is exactly the frame's size, so a read
 * past the captured length throws instead of passing unnoticed. Corpus:
 * src/test/resources/dsrlb/frame/FrameCodecFuzzTestInputs/&lt;method&gt;.
 */
class FrameCodecFuzzTest {
    static final MacAddress OWN = MacAddress.parse("02:00:00:00:00:10");
    static final int IP = Ethernet.HEADER_LENGTH;

    /** Ethernet + IPv4 validation, then checksum completion as the forwarder does it. */
    @FuzzTest(maxDuration = "5m")
    void ipv4AndChecksum(byte[] frame) {
        if (frame.length < Ethernet.HEADER_LENGTH) {
            return; // the forwarder drops these before looking at any header
        }
        Ethernet.etherType(frame);
        Ethernet.isGroupDestination(frame);
        int verdict = Ipv4Packet.validate(frame, IP, frame.length);
        if (verdict != Ipv4Packet.OK) {
            return;
        }
        int ihl = Ipv4Packet.headerLength(frame, IP);
        int total = Ipv4Packet.totalLength(frame, IP);
        assertTrue(ihl >= Ipv4Packet.MIN_HEADER_LENGTH && ihl <= total && IP + total <= frame.length);
        Ipv4Packet.source(frame, IP);
        Ipv4Packet.destination(frame, IP);
        Ipv4Packet.moreFragments(frame, IP);
        int protocol = Ipv4Packet.protocol(frame, IP);
        int field = L4Checksum.checksumFieldOffset(protocol);
        boolean whole = Ipv4Packet.fragmentOffset(frame, IP) == 0 && !Ipv4Packet.moreFragments(frame, IP);
        boolean checkable = field >= 0 && whole && total - ihl >= field + 2;
        boolean validBefore = checkable && L4Checksum.isValid(frame, IP);

        byte[] before = frame.clone();
        int result = L4Checksum.completeIfPartial(frame, IP);
        int at = IP + ihl + field;
        for (int i = 0; i < frame.length; i++) {
            if (frame[i] != before[i]) {
                assertTrue(checkable && (i == at || i == at + 1), "only the L4 checksum may change, byte " + i);
            }
        }
        if (!checkable) {
            assertEquals(L4Checksum.NOT_APPLICABLE, result);
            return;
        }
        if (validBefore) {
            assertArrayEquals(before, frame, "a complete checksum is left as it is");
            assertTrue(result != L4Checksum.COMPLETED);
        }
        if (result == L4Checksum.COMPLETED) {
            assertTrue(L4Checksum.isValid(frame, IP), "completed means valid");
            byte[] once = frame.clone();
            assertTrue(L4Checksum.completeIfPartial(frame, IP) != L4Checksum.COMPLETED, "idempotent");
            assertArrayEquals(once, frame);
        }
    }

    /** IPv6 validation, the extension-header walk and checksum completion, as the forwarder will do them. */
    @FuzzTest(maxDuration = "5m")
    void ipv6AndChecksum(byte[] frame) {
        if (frame.length < Ethernet.HEADER_LENGTH) {
            return;
        }
        if (Ipv6Packet.validate(frame, IP, frame.length) != Ipv6Packet.OK) {
            return;
        }
        int end = Ipv6Packet.end(frame, IP);
        assertTrue(end <= frame.length);
        Ipv6Packet.hopLimit(frame, IP);
        Ipv6Packet.sourceLow(frame, IP);
        Ipv6Packet.destinationHigh(frame, IP);
        int[] upper = {-7, -7, -7, -7};
        int walk = Ipv6Packet.upperLayer(frame, IP, upper);
        if (walk != Ipv6Packet.OK) {
            assertTrue(walk == Ipv6Packet.BAD_EXTENSION_HEADER || walk == Ipv6Packet.TOO_MANY_EXTENSION_HEADERS);
            return;
        }
        int l4 = upper[Ipv6Packet.UL_OFFSET];
        assertTrue(l4 >= IP + Ipv6Packet.HEADER_LENGTH && l4 <= end, "upper layer inside the packet");
        assertTrue(upper[Ipv6Packet.UL_PROTOCOL] >= 0 && upper[Ipv6Packet.UL_PROTOCOL] <= 255);
        int port = Ipv6Packet.destinationPort(frame, IP, upper);
        assertTrue(port >= -1 && port <= 0xffff);
        int protocol = upper[Ipv6Packet.UL_PROTOCOL];
        int field = L4Checksum.checksumFieldOffset(protocol);
        boolean checkable = field >= 0
                && upper[Ipv6Packet.UL_FRAGMENT] == Ipv6Packet.NOT_FRAGMENTED
                && upper[Ipv6Packet.UL_ROUTED] == 0
                && end - l4 >= field + 2;
        boolean validBefore = checkable && L4Checksum.isValidIpv6(frame, IP, l4, protocol);

        byte[] before = frame.clone();
        int result = L4Checksum.completeIfPartialIpv6(frame, IP, upper);
        for (int i = 0; i < frame.length; i++) {
            if (frame[i] != before[i]) {
                assertTrue(
                        checkable && (i == l4 + field || i == l4 + field + 1),
                        "only the L4 checksum may change, byte " + i);
            }
        }
        if (!checkable) {
            assertEquals(L4Checksum.NOT_APPLICABLE, result);
            return;
        }
        if (validBefore) {
            assertArrayEquals(before, frame, "a complete checksum is left as it is");
        }
        if (result == L4Checksum.COMPLETED) {
            assertTrue(L4Checksum.isValidIpv6(frame, IP, l4, protocol), "completed means valid");
            byte[] once = frame.clone();
            assertTrue(L4Checksum.completeIfPartialIpv6(frame, IP, upper) != L4Checksum.COMPLETED, "idempotent");
            assertArrayEquals(once, frame);
        }
    }

    /** NDP validation and the answers we would send: what passes yields a valid advertisement. */
    @FuzzTest(maxDuration = "5m")
    void ndp(byte[] frame) {
        if (frame.length < Ethernet.HEADER_LENGTH || Ipv6Packet.validate(frame, IP, frame.length) != Ipv6Packet.OK) {
            return;
        }
        int[] upper = new int[Ipv6Packet.UPPER_LAYER_SLOTS];
        if (Ipv6Packet.upperLayer(frame, IP, upper) != Ipv6Packet.OK
                || upper[Ipv6Packet.UL_PROTOCOL] != Ipv6Packet.PROTO_ICMPV6
                || upper[Ipv6Packet.UL_FRAGMENT] != Ipv6Packet.NOT_FRAGMENTED) {
            return;
        }
        int icmp = upper[Ipv6Packet.UL_OFFSET];
        byte[] before = frame.clone();
        int na = Ndp.validateAdvertisement(frame, IP, icmp);
        if (na == Ndp.OK) {
            Ndp.isRouter(frame, icmp);
            int tll = Ndp.targetLinkAddress(frame, IP, icmp);
            assertTrue(tll == -1 || tll + 6 <= Ipv6Packet.end(frame, IP));
        }
        int ns = Ndp.validateSolicitation(frame, IP, icmp);
        if (ns != Ndp.OK) {
            assertArrayEquals(before, frame);
            return;
        }
        int sll = Ndp.sourceLinkAddress(frame, IP, icmp);
        assertTrue(sll == -1 || sll + 6 <= Ipv6Packet.end(frame, IP));
        byte[] out = new byte[Ndp.FRAME_LENGTH];
        int n = Ndp.writeAdvertisement(frame, IP, icmp, out, 0, OWN);
        assertEquals(Ndp.FRAME_LENGTH, n);
        assertArrayEquals(before, frame, "the solicitation is not modified");
        assertEquals(Ndp.OK, Ndp.validateAdvertisement(out, IP, IP + Ipv6Packet.HEADER_LENGTH));
        assertEquals(Ndp.targetLow(frame, icmp), Ndp.targetLow(out, IP + Ipv6Packet.HEADER_LENGTH));
        assertEquals(Ndp.targetHigh(frame, icmp), Ipv6Packet.sourceHigh(out, IP));
        assertTrue(OWN.matches(out, Ndp.targetLinkAddress(out, IP, IP + Ipv6Packet.HEADER_LENGTH)));
    }

    /** The IPv6 probe datagram the health monitor writes is one the forwarder takes as it is. */
    @FuzzTest(maxDuration = "5m")
    void udpFrameWriterIpv6(FuzzedDataProvider data) {
        MacAddress dst = MacAddress.of(Arrays.copyOf(data.consumeBytes(6), 6));
        MacAddress src = MacAddress.of(Arrays.copyOf(data.consumeBytes(6), 6));
        IpAddress srcIp = new IpAddress(data.consumeLong(), data.consumeLong());
        IpAddress dstIp = new IpAddress(data.consumeLong(), data.consumeLong());
        int srcPort = data.consumeInt(0, 0xffff);
        int dstPort = data.consumeInt(0, 0xffff);
        byte[] payload = data.consumeRemainingAsBytes();
        if (payload.length > 1452) {
            payload = Arrays.copyOf(payload, 1452);
        }
        byte[] f = new byte[UdpFrameWriter.HEADERS_IPV6 + payload.length];
        int n = UdpFrameWriter.writeIpv6(f, dst, src, srcIp, dstIp, srcPort, dstPort, payload, payload.length);

        assertEquals(f.length, n);
        assertEquals(Ipv6Packet.OK, Ipv6Packet.validate(f, IP, n));
        int[] upper = new int[Ipv6Packet.UPPER_LAYER_SLOTS];
        assertEquals(Ipv6Packet.OK, Ipv6Packet.upperLayer(f, IP, upper));
        assertEquals(dstPort, Ipv6Packet.destinationPort(f, IP, upper));
        assertEquals(srcIp.low(), Ipv6Packet.sourceLow(f, IP));
        assertEquals(dstIp.high(), Ipv6Packet.destinationHigh(f, IP));
        int udp = IP + Ipv6Packet.HEADER_LENGTH;
        assertTrue(L4Checksum.isValidIpv6(f, IP, udp, Ipv6Packet.PROTO_UDP));
        byte[] complete = f.clone();
        assertEquals(L4Checksum.UNCHANGED, L4Checksum.completeIfPartialIpv6(f, IP, upper));
        assertArrayEquals(complete, f);
        L4Checksum.fillPartialIpv6(f, IP, udp, Ipv6Packet.PROTO_UDP);
        L4Checksum.completeIfPartialIpv6(f, IP, upper);
        assertArrayEquals(complete, f);
    }

    /** ARP parsing and the reply we would send to it. */
    @FuzzTest(maxDuration = "5m")
    void arp(byte[] frame) {
        if (!Arp.isValid(frame, frame.length)) {
            return;
        }
        int op = Arp.operation(frame);
        int sender = Arp.senderIp(frame);
        int target = Arp.targetIp(frame);
        byte[] out = new byte[Arp.FRAME_LENGTH];
        int n = Arp.writeReply(frame, out, OWN, target);
        assertEquals(Arp.FRAME_LENGTH, n);
        assertTrue(Arp.isValid(out, n));
        assertEquals(Arp.OP_REPLY, Arp.operation(out));
        assertEquals(target, Arp.senderIp(out));
        assertEquals(sender, Arp.targetIp(out));
        assertTrue(OWN.matches(out, Ethernet.SOURCE) && OWN.matches(out, Arp.SENDER_MAC));
        assertArrayEquals(
                Arrays.copyOfRange(frame, Arp.SENDER_MAC, Arp.SENDER_MAC + 6),
                Arrays.copyOfRange(out, Arp.TARGET_MAC, Arp.TARGET_MAC + 6));
        assertEquals(Ethernet.TYPE_ARP, Ethernet.etherType(out));
        assertTrue(op == Arp.operation(frame), "the request is not modified");
    }

    /** What the health monitor writes is a frame the forwarder takes as it is. */
    @FuzzTest(maxDuration = "5m")
    void udpFrameWriter(FuzzedDataProvider data) {
        MacAddress dst = MacAddress.of(Arrays.copyOf(data.consumeBytes(6), 6));
        MacAddress src = MacAddress.of(Arrays.copyOf(data.consumeBytes(6), 6));
        int srcIp = data.consumeInt();
        int dstIp = data.consumeInt();
        int srcPort = data.consumeInt(0, 0xffff);
        int dstPort = data.consumeInt(0, 0xffff);
        int id = data.consumeInt(0, 0xffff);
        byte[] payload = data.consumeRemainingAsBytes();
        if (payload.length > 1472) {
            payload = Arrays.copyOf(payload, 1472);
        }
        byte[] f = new byte[UdpFrameWriter.HEADERS + payload.length];
        int n = UdpFrameWriter.write(f, dst, src, srcIp, dstIp, srcPort, dstPort, id, payload, payload.length);

        assertEquals(f.length, n);
        assertEquals(Ipv4Packet.OK, Ipv4Packet.validate(f, IP, n));
        assertEquals(
                0xffff, L4Checksum.fold(L4Checksum.sum(f, IP, Ipv4Packet.headerLength(f, IP))), "IP header checksum");
        assertEquals(srcIp, Ipv4Packet.source(f, IP));
        assertEquals(dstIp, Ipv4Packet.destination(f, IP));
        assertEquals(Ipv4Packet.PROTO_UDP, Ipv4Packet.protocol(f, IP));
        assertEquals(srcPort, Bytes.u16(f, IP + 20));
        assertEquals(dstPort, Bytes.u16(f, IP + 22));
        assertTrue(dst.matches(f, Ethernet.DESTINATION) && src.matches(f, Ethernet.SOURCE));
        assertTrue(L4Checksum.isValid(f, IP));
        byte[] complete = f.clone();
        assertEquals(L4Checksum.UNCHANGED, L4Checksum.completeIfPartial(f, IP));
        assertArrayEquals(complete, f);

        // The same datagram as a kernel with tx offload hands it over: completion restores it.
        L4Checksum.fillPartial(f, IP);
        L4Checksum.completeIfPartial(f, IP);
        assertArrayEquals(complete, f);
    }
}
