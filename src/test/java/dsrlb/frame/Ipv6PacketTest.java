package dsrlb.frame;

import static dsrlb.frame.HostileFrames.extensionHeader;
import static dsrlb.frame.HostileFrames.fragmentHeader;
import static dsrlb.testing.FrameBuilder.frame;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dsrlb.net.IpAddress;
import dsrlb.net.MacAddress;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class Ipv6PacketTest {
    private static final MacAddress A = MacAddress.parse("02:00:00:00:00:0a");
    private static final MacAddress B = MacAddress.parse("02:00:00:00:00:0b");
    private static final IpAddress CLIENT = IpAddress.parse("2001:db8:1::10");
    private static final IpAddress VIP = IpAddress.parse("2001:db8:2::20");
    private static final int IP = Ethernet.HEADER_LENGTH;
    private static final int HBH = Ipv6Packet.PROTO_HOP_BY_HOP;
    private static final int DST = Ipv6Packet.PROTO_DESTINATION_OPTIONS;
    private static final int RH = Ipv6Packet.PROTO_ROUTING;
    private static final int FRAG = Ipv6Packet.PROTO_FRAGMENT;

    private final byte[] frame = frame().eth(A, B)
            .ipv6(CLIENT, VIP)
            .udp(1000, 69)
            .payload(new byte[10])
            .build();
    private final int[] upper = new int[Ipv6Packet.UPPER_LAYER_SLOTS];

    @Test
    void readsTheFields() {
        assertEquals(Ethernet.TYPE_IPV6, Ethernet.etherType(frame));
        assertEquals(Ipv6Packet.OK, Ipv6Packet.validate(frame, IP, frame.length));
        assertEquals(18, Ipv6Packet.payloadLength(frame, IP));
        assertEquals(frame.length, Ipv6Packet.end(frame, IP));
        assertEquals(Ipv6Packet.PROTO_UDP, Ipv6Packet.nextHeader(frame, IP));
        assertEquals(64, Ipv6Packet.hopLimit(frame, IP));
        assertEquals(CLIENT, new IpAddress(Ipv6Packet.sourceHigh(frame, IP), Ipv6Packet.sourceLow(frame, IP)));
        assertEquals(VIP, new IpAddress(Ipv6Packet.destinationHigh(frame, IP), Ipv6Packet.destinationLow(frame, IP)));
        assertEquals(Ipv6Packet.OK, Ipv6Packet.upperLayer(frame, IP, upper));
        assertArrayEquals(new int[] {Ipv6Packet.PROTO_UDP, IP + 40, Ipv6Packet.NOT_FRAGMENTED, 0}, upper);
        assertEquals(69, Ipv6Packet.destinationPort(frame, IP, upper));
    }

    @Test
    void truncatedWrongVersionAndPayloadBeyondTheCapture() {
        assertEquals(Ipv6Packet.TRUNCATED, Ipv6Packet.validate(frame, IP, IP + 39));
        assertEquals(Ipv6Packet.BAD_PAYLOAD_LENGTH, Ipv6Packet.validate(frame, IP, frame.length - 1));
        frame[IP] = 0x45;
        assertEquals(Ipv6Packet.BAD_VERSION, Ipv6Packet.validate(frame, IP, frame.length));
    }

    @Test
    void ethernetPaddingAfterThePacketIsAllowed() {
        byte[] padded = Arrays.copyOf(frame, frame.length + 6);
        assertEquals(Ipv6Packet.OK, Ipv6Packet.validate(padded, IP, padded.length));
        assertEquals(frame.length, Ipv6Packet.end(padded, IP));
    }

    @Test
    void linuxMldReportHasItsIcmpBehindAHopByHopHeader() {
        byte[] f = LinuxCaptures.bytes(LinuxCaptures.MLD_REPORT_HOP_BY_HOP);
        assertEquals(Ipv6Packet.OK, Ipv6Packet.validate(f, IP, f.length));
        assertEquals(Ipv6Packet.OK, Ipv6Packet.upperLayer(f, IP, upper));
        assertEquals(Ipv6Packet.PROTO_ICMPV6, upper[Ipv6Packet.UL_PROTOCOL]);
        assertEquals(IP + 40 + 8, upper[Ipv6Packet.UL_OFFSET]);
        assertEquals(143, Icmpv6.type(f, upper[Ipv6Packet.UL_OFFSET]), "MLDv2 report");
        assertEquals(-1, Ipv6Packet.destinationPort(f, IP, upper));
    }

    @Test
    void walksHopByHopDestinationOptionsAndRoutingToUdp() {
        byte[] f = HostileFrames.udpIpv6(
                B,
                A,
                CLIENT,
                VIP,
                40000,
                69,
                new int[] {HBH, DST, RH},
                new byte[][] {extensionHeader(8, 0), extensionHeader(24, 0), extensionHeader(16, 0)},
                new byte[] {0, 4, 0, 1},
                false);
        assertEquals(Ipv6Packet.OK, Ipv6Packet.validate(f, IP, f.length));
        assertEquals(Ipv6Packet.OK, Ipv6Packet.upperLayer(f, IP, upper));
        assertArrayEquals(new int[] {Ipv6Packet.PROTO_UDP, IP + 40 + 48, Ipv6Packet.NOT_FRAGMENTED, 0}, upper);
        assertEquals(69, Ipv6Packet.destinationPort(f, IP, upper));
    }

    @Test
    void aRoutingHeaderWithSegmentsLeftIsReported() {
        byte[] f = HostileFrames.udpIpv6(
                B,
                A,
                CLIENT,
                VIP,
                40000,
                69,
                new int[] {RH},
                new byte[][] {extensionHeader(24, 1)},
                new byte[4],
                false);
        assertEquals(Ipv6Packet.OK, Ipv6Packet.upperLayer(f, IP, upper));
        assertEquals(1, upper[Ipv6Packet.UL_ROUTED]);
        assertEquals(69, Ipv6Packet.destinationPort(f, IP, upper));
    }

    @Test
    void firstFragmentHasThePortLaterOnesDoNot() {
        byte[] first = HostileFrames.udpIpv6(
                B,
                A,
                CLIENT,
                VIP,
                40000,
                69,
                new int[] {FRAG},
                new byte[][] {fragmentHeader(0, true, 7)},
                new byte[16],
                false);
        assertEquals(Ipv6Packet.OK, Ipv6Packet.upperLayer(first, IP, upper));
        assertArrayEquals(new int[] {Ipv6Packet.PROTO_UDP, IP + 48, Ipv6Packet.FIRST_FRAGMENT, 0}, upper);
        assertEquals(69, Ipv6Packet.destinationPort(first, IP, upper));

        // A later fragment's data could look like anything: here like a UDP header to port 69.
        byte[] later = HostileFrames.udpIpv6(
                B,
                A,
                CLIENT,
                VIP,
                40000,
                69,
                new int[] {DST, FRAG},
                new byte[][] {extensionHeader(8, 0), fragmentHeader(3, false, 7)},
                new byte[16],
                false);
        assertEquals(Ipv6Packet.OK, Ipv6Packet.upperLayer(later, IP, upper));
        assertArrayEquals(new int[] {Ipv6Packet.PROTO_UDP, IP + 56, Ipv6Packet.LATER_FRAGMENT, 0}, upper);
        assertEquals(-1, Ipv6Packet.destinationPort(later, IP, upper));

        byte[] atomic = HostileFrames.udpIpv6(
                B,
                A,
                CLIENT,
                VIP,
                40000,
                69,
                new int[] {FRAG},
                new byte[][] {fragmentHeader(0, false, 7)},
                new byte[16],
                false);
        assertEquals(Ipv6Packet.OK, Ipv6Packet.upperLayer(atomic, IP, upper));
        assertEquals(Ipv6Packet.NOT_FRAGMENTED, upper[Ipv6Packet.UL_FRAGMENT], "an atomic fragment is whole");
    }

    @Test
    void chainsLongerThanTheBoundAreRefused() {
        int[] types = new int[9];
        byte[][] headers = new byte[9][];
        Arrays.fill(types, DST);
        for (int i = 0; i < 9; i++) {
            headers[i] = extensionHeader(8, 0);
        }
        byte[] nine = HostileFrames.udpIpv6(B, A, CLIENT, VIP, 1, 69, types, headers, new byte[0], false);
        assertEquals(Ipv6Packet.TOO_MANY_EXTENSION_HEADERS, Ipv6Packet.upperLayer(nine, IP, upper));

        byte[] eight = HostileFrames.udpIpv6(
                B, A, CLIENT, VIP, 1, 69, Arrays.copyOf(types, 8), Arrays.copyOf(headers, 8), new byte[0], false);
        assertEquals(Ipv6Packet.OK, Ipv6Packet.upperLayer(eight, IP, upper));
        assertEquals(IP + 40 + 64, upper[Ipv6Packet.UL_OFFSET]);
    }

    @Test
    void hopByHopAfterAnotherHeaderAndHeadersPastThePayloadAreRefused() {
        byte[] misplaced = HostileFrames.udpIpv6(
                B,
                A,
                CLIENT,
                VIP,
                1,
                69,
                new int[] {DST, HBH},
                new byte[][] {extensionHeader(8, 0), extensionHeader(8, 0)},
                new byte[0],
                false);
        assertEquals(Ipv6Packet.BAD_EXTENSION_HEADER, Ipv6Packet.upperLayer(misplaced, IP, upper));

        // A Destination Options header claiming 16 bytes in a payload of 8.
        byte[] f = HostileFrames.ipv6(
                B, A, CLIENT, VIP, 64, new int[] {DST}, new byte[][] {extensionHeader(8, 0)}, 59, new byte[0]);
        assertEquals(Ipv6Packet.OK, Ipv6Packet.upperLayer(f, IP, upper));
        assertEquals(Ipv6Packet.PROTO_NO_NEXT_HEADER, upper[Ipv6Packet.UL_PROTOCOL]);
        f[IP + 40 + 1] = 1;
        assertEquals(Ipv6Packet.BAD_EXTENSION_HEADER, Ipv6Packet.upperLayer(f, IP, upper));
        // A Fragment header cut short: the payload ends 4 bytes into it.
        byte[] cut = HostileFrames.ipv6(
                B, A, CLIENT, VIP, 64, new int[] {FRAG}, new byte[][] {new byte[4]}, 17, new byte[0]);
        assertEquals(Ipv6Packet.BAD_EXTENSION_HEADER, Ipv6Packet.upperLayer(cut, IP, upper));
    }

    @Test
    void aPortCutOffIsMinusOne() {
        byte[] f = HostileFrames.ipv6(B, A, CLIENT, VIP, 64, new int[0], new byte[0][], 17, new byte[] {1, 2, 0});
        assertEquals(Ipv6Packet.OK, Ipv6Packet.upperLayer(f, IP, upper));
        assertEquals(-1, Ipv6Packet.destinationPort(f, IP, upper));
    }
}
