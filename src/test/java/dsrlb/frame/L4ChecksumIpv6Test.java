package dsrlb.frame;

import static dsrlb.testing.FrameBuilder.frame;
import static dsrlb.testing.FrameBuilder.tftpRrq;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dsrlb.net.IpAddress;
import dsrlb.net.MacAddress;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class L4ChecksumIpv6Test {
    private static final MacAddress A = MacAddress.parse("02:00:00:00:00:01");
    private static final MacAddress B = MacAddress.parse("02:00:00:00:00:02");
    private static final IpAddress A6 = IpAddress.parse("2001:db8::1");
    private static final IpAddress B6 = IpAddress.parse("2001:db8::2");
    private static final int IP = Ethernet.HEADER_LENGTH;
    private static final int UDP = IP + Ipv6Packet.HEADER_LENGTH;

    private final int[] upper = new int[Ipv6Packet.UPPER_LAYER_SLOTS];

    private int complete(byte[] f) {
        assertEquals(Ipv6Packet.OK, Ipv6Packet.validate(f, IP, f.length));
        assertEquals(Ipv6Packet.OK, Ipv6Packet.upperLayer(f, IP, upper));
        return L4Checksum.completeIfPartialIpv6(f, IP, upper);
    }

    @Test
    void linuxPartialChecksumIsCompletedToWhatLinuxSendsWithoutOffload() {
        byte[] partial = LinuxCaptures.bytes(LinuxCaptures.UDP_PARTIAL);
        byte[] complete = LinuxCaptures.bytes(LinuxCaptures.UDP_COMPLETE);
        assertFalse(L4Checksum.isValidIpv6(partial, IP, UDP, Ipv6Packet.PROTO_UDP));
        assertTrue(L4Checksum.isValidIpv6(complete, IP, UDP, Ipv6Packet.PROTO_UDP));

        assertEquals(L4Checksum.COMPLETED, complete(partial));

        assertArrayEquals(complete, partial);
        assertEquals(L4Checksum.UNCHANGED, complete(partial), "a complete checksum is left as it is");
        assertArrayEquals(complete, partial);
    }

    @Test
    void ourWriterSendsTheDatagramLinuxSends() {
        byte[] linux = LinuxCaptures.bytes(LinuxCaptures.UDP_COMPLETE);
        byte[] payload = tftpRrq("ARDBP32.BIN");
        byte[] out = new byte[UdpFrameWriter.HEADERS_IPV6 + payload.length];
        int n = UdpFrameWriter.writeIpv6(out, B, A, A6, B6, 40000, 69, payload, payload.length);
        assertEquals(linux.length, n);
        // Linux sets a flow label (RFC 6437); ours is 0. The checksum does not cover it.
        linux[IP + 1] = 0;
        linux[IP + 2] = 0;
        linux[IP + 3] = 0;
        assertArrayEquals(linux, out);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 4, 511, 512, 1427, 1428, 1452})
    void partialChecksumIsCompletedToTheFullOne(int payloadLength) {
        byte[] payload = new byte[payloadLength];
        new Random(payloadLength).nextBytes(payload);
        byte[] full =
                frame().eth(A, B).ipv6(A6, B6).udp(40000, 69).payload(payload).build();
        byte[] partial = frame().eth(A, B)
                .ipv6(A6, B6)
                .udp(40000, 69)
                .payload(payload)
                .partialChecksum()
                .build();
        assertFalse(L4Checksum.isValidIpv6(partial, IP, UDP, Ipv6Packet.PROTO_UDP));
        assertTrue(L4Checksum.isValidIpv6(full, IP, UDP, Ipv6Packet.PROTO_UDP));
        assertEquals(L4Checksum.COMPLETED, complete(partial));
        assertArrayEquals(full, partial);
    }

    @Test
    void taggedFramesAreCompletedBehindTheTag() {
        byte[] full = frame().eth(A, B)
                .vlan(100)
                .ipv6(A6, B6)
                .udp(40000, 69)
                .payload(new byte[] {0, 4, 0, 1})
                .build();
        byte[] partial = frame().eth(A, B)
                .vlan(100)
                .ipv6(A6, B6)
                .udp(40000, 69)
                .payload(new byte[] {0, 4, 0, 1})
                .partialChecksum()
                .build();
        int ip = Ethernet.payloadOffset(partial);
        assertEquals(Ipv6Packet.OK, Ipv6Packet.upperLayer(partial, ip, upper));
        assertEquals(L4Checksum.COMPLETED, L4Checksum.completeIfPartialIpv6(partial, ip, upper));
        assertArrayEquals(full, partial);
    }

    @Test
    void aComputedZeroIsSentAsFfff() {
        // Find the last two payload bytes that make the sum come out at 0xffff, i.e. checksum 0.
        byte[] f = frame().eth(A, B)
                .ipv6(A6, B6)
                .udp(40000, 69)
                .payload(new byte[6])
                .build();
        int checksum = Bytes.u16(f, UDP + 6);
        assertNotEquals(0xffff, checksum);
        // Adding the old checksum value to the data makes the data sum 0xffff: checksum 0.
        Bytes.putU16(f, f.length - 2, checksum);
        L4Checksum.fillIpv6(f, IP, UDP, Ipv6Packet.PROTO_UDP);
        assertEquals(0xffff, Bytes.u16(f, UDP + 6), "0 means no checksum, which IPv6 forbids");
        assertTrue(L4Checksum.isValidIpv6(f, IP, UDP, Ipv6Packet.PROTO_UDP));
        Bytes.putU16(f, UDP + 6, 0);
        assertFalse(L4Checksum.isValidIpv6(f, IP, UDP, Ipv6Packet.PROTO_UDP), "RFC 8200 8.1: zero is invalid");
    }

    @Test
    void corruptChecksumIsNotRepaired() {
        byte[] f = frame().eth(A, B)
                .ipv6(A6, B6)
                .udp(40000, 69)
                .payload(new byte[] {0, 4, 0, 1})
                .build();
        f[UDP + 6] ^= 0x55;
        byte[] before = f.clone();
        assertEquals(L4Checksum.UNCHANGED, complete(f));
        assertArrayEquals(before, f);
    }

    @Test
    void fragmentsAndPacketsStillBeingRoutedAreNotTouched() {
        byte[][] cases = {
            HostileFrames.udpIpv6(
                    A,
                    B,
                    A6,
                    B6,
                    40000,
                    69,
                    new int[] {Ipv6Packet.PROTO_FRAGMENT},
                    new byte[][] {HostileFrames.fragmentHeader(0, true, 9)},
                    new byte[40],
                    true),
            HostileFrames.udpIpv6(
                    A,
                    B,
                    A6,
                    B6,
                    40000,
                    69,
                    new int[] {Ipv6Packet.PROTO_FRAGMENT},
                    new byte[][] {HostileFrames.fragmentHeader(5, false, 9)},
                    new byte[40],
                    true),
            HostileFrames.udpIpv6(
                    A,
                    B,
                    A6,
                    B6,
                    40000,
                    69,
                    new int[] {Ipv6Packet.PROTO_ROUTING},
                    new byte[][] {HostileFrames.extensionHeader(24, 1)},
                    new byte[40],
                    true),
        };
        for (byte[] f : cases) {
            byte[] before = f.clone();
            assertEquals(L4Checksum.NOT_APPLICABLE, complete(f));
            assertArrayEquals(before, f);
        }
    }

    @Test
    void partialBehindExtensionHeadersIsCompleted() {
        int[] types = {Ipv6Packet.PROTO_HOP_BY_HOP, Ipv6Packet.PROTO_DESTINATION_OPTIONS};
        byte[][] headers = {HostileFrames.extensionHeader(8, 0), HostileFrames.extensionHeader(16, 0)};
        byte[] full = HostileFrames.udpIpv6(A, B, A6, B6, 40000, 69, types, headers, new byte[100], false);
        byte[] partial = HostileFrames.udpIpv6(A, B, A6, B6, 40000, 69, types, headers, new byte[100], true);
        assertEquals(L4Checksum.COMPLETED, complete(partial));
        assertArrayEquals(full, partial);
        assertTrue(L4Checksum.isValidIpv6(partial, IP, IP + 40 + 24, Ipv6Packet.PROTO_UDP));
    }

    @Test
    void tcpPartialChecksumIsCompleted() {
        byte[] tcp = new byte[20];
        Bytes.putU16(tcp, 0, 40000);
        Bytes.putU16(tcp, 2, 80);
        tcp[12] = 0x50;
        tcp[13] = 0x02;
        byte[] f = HostileFrames.ipv6(A, B, A6, B6, 64, new int[0], new byte[0][], Ipv6Packet.PROTO_TCP, tcp);
        L4Checksum.fillIpv6(f, IP, UDP, Ipv6Packet.PROTO_TCP);
        byte[] full = f.clone();
        assertTrue(L4Checksum.isValidIpv6(full, IP, UDP, Ipv6Packet.PROTO_TCP));
        L4Checksum.fillPartialIpv6(f, IP, UDP, Ipv6Packet.PROTO_TCP);
        assertNotEquals(Bytes.u16(full, UDP + 16), Bytes.u16(f, UDP + 16));
        assertEquals(L4Checksum.COMPLETED, complete(f));
        assertArrayEquals(full, f);
    }

    @Test
    void icmpv6IsNotForThisMethod() {
        byte[] ns = LinuxCaptures.bytes(LinuxCaptures.SOLICITATION);
        byte[] before = ns.clone();
        assertEquals(L4Checksum.NOT_APPLICABLE, complete(ns));
        assertArrayEquals(before, ns);
    }
}
