package dsrlb.frame;

import static dsrlb.testing.FrameBuilder.frame;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dsrlb.net.Ipv4;
import dsrlb.net.MacAddress;
import org.junit.jupiter.api.Test;

class Ipv4PacketTest {
    private static final MacAddress A = MacAddress.parse("02:00:00:00:00:0a");
    private final byte[] frame = frame().eth(A, A)
            .ipv4(Ipv4.parse("192.0.2.10"), Ipv4.parse("198.51.100.20"))
            .udp(1000, 69)
            .payload(new byte[10])
            .build();

    @Test
    void readsTheFields() {
        assertEquals(Ipv4Packet.OK, Ipv4Packet.validate(frame, 14, frame.length));
        assertEquals(20, Ipv4Packet.headerLength(frame, 14));
        assertEquals(38, Ipv4Packet.totalLength(frame, 14));
        assertEquals(Ipv4Packet.PROTO_UDP, Ipv4Packet.protocol(frame, 14));
        assertEquals("192.0.2.10", Ipv4.format(Ipv4Packet.source(frame, 14)));
        assertEquals("198.51.100.20", Ipv4.format(Ipv4Packet.destination(frame, 14)));
    }

    @Test
    void writtenHeaderChecksumVerifies() {
        // The ones' complement sum over a header that includes its checksum is 0xffff.
        assertEquals(0xffff, L4Checksum.fold(L4Checksum.sum(frame, 14, 20)));
        assertEquals(0x4000, Bytes.u16(frame, 14 + 6), "DF set, no fragment offset");
        assertEquals(64, Bytes.u8(frame, 14 + 8));
    }

    @Test
    void truncatedHeader() {
        assertEquals(Ipv4Packet.TRUNCATED, Ipv4Packet.validate(frame, 14, 14 + 19));
    }

    @Test
    void wrongVersion() {
        frame[14] = 0x65;
        assertEquals(Ipv4Packet.BAD_VERSION, Ipv4Packet.validate(frame, 14, frame.length));
    }

    @Test
    void headerLengthBelowMinimumOrBeyondTheFrame() {
        frame[14] = 0x44;
        assertEquals(Ipv4Packet.BAD_HEADER_LENGTH, Ipv4Packet.validate(frame, 14, frame.length));
        frame[14] = 0x4f; // 60 bytes of header in a 38-byte packet
        assertEquals(Ipv4Packet.BAD_HEADER_LENGTH, Ipv4Packet.validate(frame, 14, frame.length));
    }

    @Test
    void totalLengthBeyondTheCaptureOrBelowTheHeader() {
        Bytes.putU16(frame, 16, 39);
        assertEquals(Ipv4Packet.BAD_TOTAL_LENGTH, Ipv4Packet.validate(frame, 14, frame.length));
        Bytes.putU16(frame, 16, 19);
        assertEquals(Ipv4Packet.BAD_TOTAL_LENGTH, Ipv4Packet.validate(frame, 14, frame.length));
    }

    @Test
    void ethernetPaddingAfterThePacketIsAllowed() {
        byte[] padded = java.util.Arrays.copyOf(frame, 60);
        assertEquals(Ipv4Packet.OK, Ipv4Packet.validate(padded, 14, padded.length));
    }
}
