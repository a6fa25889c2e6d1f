package dsrlb.frame;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
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
