package dsrlb.frame;

import static dsrlb.testing.FrameBuilder.frame;
import static dsrlb.testing.FrameBuilder.tftpRrq;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dsrlb.net.Ipv4;
import dsrlb.net.MacAddress;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class L4ChecksumTest {
    private static final MacAddress A = MacAddress.parse("02:00:00:00:00:0a");
    private static final MacAddress B = MacAddress.parse("02:00:00:00:00:0b");
    private static final int CLIENT = Ipv4.parse("192.0.2.10");
    private static final int VIP = Ipv4.parse("198.51.100.20");

    @Test
    void knownUdpChecksumMatchesAReferenceValue() {
        // An ACK for block 1 from 192.0.2.10:40000 to 198.51.100.20:69, checked against the
        // RFC 1071 sum done by hand: pseudo c000+020a+c633+6414+0011+000c, UDP 9c40+0045+000c
        // +0004+0001 → sum 0x28904 → fold 0x8906 → checksum ~0x8906 = 0x76f9.
        byte[] f = frame().eth(A, B)
                .ipv4(CLIENT, VIP)
                .udp(40000, 69)
                .payload(new byte[] {0, 4, 0, 1})
                .build();
        assertEquals(0x76f9, Bytes.u16(f, 14 + 20 + 6));
        assertTrue(L4Checksum.isValid(f, 14));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 4, 511, 512, 1427, 1428, 1472})
    void partialChecksumIsCompletedToTheFullOne(int payloadLength) {
        byte[] payload = new byte[payloadLength];
        new Random(payloadLength).nextBytes(payload);
        byte[] full = frame().eth(A, B)
                .ipv4(CLIENT, VIP)
                .udp(40000, 69)
                .payload(payload)
                .build();
        byte[] partial = frame().eth(A, B)
                .ipv4(CLIENT, VIP)
                .udp(40000, 69)
                .payload(payload)
                .partialChecksum()
                .build();
        assertFalse(L4Checksum.isValid(partial, 14), "a partial checksum must not verify");

        assertEquals(L4Checksum.COMPLETED, L4Checksum.completeIfPartial(partial, 14));

        assertArrayEquals(full, partial);
        assertTrue(L4Checksum.isValid(partial, 14));
    }

    @Test
    void completeChecksumIsLeftAlone() {
        byte[] f = frame().eth(A, B)
                .ipv4(CLIENT, VIP)
                .udp(40000, 69)
                .payload(tftpRrq("ARDBP32.BIN"))
                .build();
        byte[] before = f.clone();
        assertEquals(L4Checksum.UNCHANGED, L4Checksum.completeIfPartial(f, 14));
        assertArrayEquals(before, f);
    }

    @Test
    void corruptChecksumIsNotRepaired() {
        // A checksum that is wrong but not partial is the sender's problem; we must not hide it.
        byte[] f = frame().eth(A, B)
                .ipv4(CLIENT, VIP)
                .udp(40000, 69)
                .payload(new byte[] {0, 4, 0, 1})
                .build();
        f[14 + 20 + 6] ^= 0x55;
        byte[] before = f.clone();
        assertEquals(L4Checksum.UNCHANGED, L4Checksum.completeIfPartial(f, 14));
        assertArrayEquals(before, f);
        assertFalse(L4Checksum.isValid(f, 14));
    }

    @Test
    void udpWithoutChecksumStaysWithout() {
        byte[] f = frame().eth(A, B)
                .ipv4(CLIENT, VIP)
                .udp(40000, 69)
                .payload(new byte[] {0, 4, 0, 1})
                .build();
        Bytes.putU16(f, 14 + 20 + 6, 0);
        assertEquals(L4Checksum.UNCHANGED, L4Checksum.completeIfPartial(f, 14));
        assertEquals(0, Bytes.u16(f, 14 + 20 + 6));
    }

    @Test
    void fragmentsAreNotTouched() {
        byte[] f = frame().eth(A, B)
                .ipv4(CLIENT, VIP)
                .udp(40000, 69)
                .payload(new byte[100])
                .partialChecksum()
                .build();
        f[14 + 6] |= 0x20; // more fragments
        byte[] before = f.clone();
        assertEquals(L4Checksum.NOT_APPLICABLE, L4Checksum.completeIfPartial(f, 14));
        assertArrayEquals(before, f);
    }

    @Test
    void tcpPartialChecksumIsCompleted() {
        byte[] f = frame().eth(A, B)
                .ipv4(CLIENT, VIP)
                .udp(40000, 80)
                .payload(new byte[20])
                .build();
        // Turn it into TCP: protocol 6, a 20-byte TCP header (the zero payload is its header).
        f[14 + 9] = (byte) Ipv4Packet.PROTO_TCP;
        f[14 + 20 + 12] = 0x50;
        L4Checksum.fill(f, 14);
        byte[] full = f.clone();
        L4Checksum.fillPartial(f, 14);
        assertNotEquals(Bytes.u16(full, 14 + 20 + 16), Bytes.u16(f, 14 + 20 + 16));
        assertEquals(L4Checksum.COMPLETED, L4Checksum.completeIfPartial(f, 14));
        assertArrayEquals(full, f);
    }
}
