package dsrlb.frame;

import static dsrlb.testing.FrameBuilder.frame;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dsrlb.net.IpAddress;
import dsrlb.net.MacAddress;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class NdpTest {
    private static final MacAddress HOST_A = MacAddress.parse("02:00:00:00:00:01");
    private static final MacAddress HOST_B = MacAddress.parse("02:00:00:00:00:02");
    private static final IpAddress A6 = IpAddress.parse("2001:db8::1");
    private static final IpAddress B6 = IpAddress.parse("2001:db8::2");
    private static final MacAddress ROUTER = MacAddress.parse("02:00:00:00:00:01");
    private static final MacAddress LB = MacAddress.parse("02:00:00:00:00:10");
    private static final IpAddress ROUTER6 = IpAddress.parse("2001:db8:2::1");
    private static final IpAddress VIP6 = IpAddress.parse("2001:db8:2::20");
    private static final MacAddress VIP6_GROUP_MAC = MacAddress.parse("33:33:ff:00:00:20");
    private static final int IP = Ethernet.HEADER_LENGTH;
    private static final int ICMP = IP + Ipv6Packet.HEADER_LENGTH;

    private static String hex(byte[] b, int length) {
        return HexFormat.of().formatHex(b, 0, length);
    }

    private static byte[] solicitation() {
        return frame().eth(ROUTER, VIP6_GROUP_MAC)
                .ipv6(ROUTER6, Ndp.solicitedNode(VIP6))
                .neighborSolicitation(VIP6)
                .build();
    }

    /** RFC 1071 over the RFC 8200 8.1 pseudo-header, written out apart from L4Checksum. */
    private static int referenceChecksum(byte[] f, int ip, int icmp, int length) {
        byte[] pseudo = new byte[40 + length + (length & 1)];
        System.arraycopy(f, ip + 8, pseudo, 0, 32);
        pseudo[34] = (byte) (length >> 8);
        pseudo[35] = (byte) length;
        pseudo[39] = 58;
        System.arraycopy(f, icmp, pseudo, 40, length);
        pseudo[42] = 0;
        pseudo[43] = 0;
        int sum = 0;
        for (int i = 0; i < pseudo.length; i += 2) {
            sum += ((pseudo[i] & 0xff) << 8) | (pseudo[i + 1] & 0xff);
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return ~sum & 0xffff;
    }

    @Test
    void linuxSolicitationIsValidAndNamesItsSender() {
        byte[] ns = LinuxCaptures.bytes(LinuxCaptures.SOLICITATION);
        assertEquals(Ndp.OK, Ndp.validateSolicitation(ns, IP, ICMP));
        assertEquals(B6, new IpAddress(Ndp.targetHigh(ns, ICMP), Ndp.targetLow(ns, ICMP)));
        assertEquals(ICMP + 8, Ndp.target(ICMP));
        int sll = Ndp.sourceLinkAddress(ns, IP, ICMP);
        assertTrue(sll > 0 && HOST_A.matches(ns, sll));
        assertEquals(-1, Ndp.targetLinkAddress(ns, IP, ICMP));
        assertFalse(Ndp.isUnspecifiedSource(ns, IP));
        assertEquals(Ndp.WRONG_TYPE, Ndp.validateAdvertisement(ns, IP, ICMP));
    }

    @Test
    void ourAdvertisementIsTheOneLinuxSendsByteForByte() {
        byte[] ns = LinuxCaptures.bytes(LinuxCaptures.SOLICITATION);
        byte[] out = new byte[Ndp.TAGGED_FRAME_LENGTH];
        int n = Ndp.writeAdvertisement(ns, IP, ICMP, out, 0, HOST_B);
        assertEquals(Ndp.FRAME_LENGTH, n);
        assertEquals(LinuxCaptures.ADVERTISEMENT, hex(out, n));
    }

    @Test
    void ourSolicitationIsTheOneLinuxSendsByteForByte() {
        byte[] out = new byte[Ndp.FRAME_LENGTH];
        int n = Ndp.writeSolicitation(out, 0, HOST_A, A6, B6);
        assertEquals(LinuxCaptures.SOLICITATION, hex(out, n));
    }

    @Test
    void linuxAdvertisementIsValidWithItsFlagsAndAddress() {
        byte[] na = LinuxCaptures.bytes(LinuxCaptures.ADVERTISEMENT);
        assertEquals(Ndp.OK, Ndp.validateAdvertisement(na, IP, ICMP));
        assertEquals(B6, new IpAddress(Ndp.targetHigh(na, ICMP), Ndp.targetLow(na, ICMP)));
        assertTrue(Ndp.isSolicited(na, ICMP));
        assertTrue(Ndp.isOverride(na, ICMP));
        assertFalse(Ndp.isRouter(na, ICMP));
        int tll = Ndp.targetLinkAddress(na, IP, ICMP);
        assertTrue(tll > 0 && HOST_B.matches(na, tll));
        assertEquals(Ndp.WRONG_TYPE, Ndp.validateSolicitation(na, IP, ICMP));
    }

    @Test
    void checksumsAgreeWithAnIndependentSum() {
        for (String capture :
                new String[] {LinuxCaptures.SOLICITATION, LinuxCaptures.ADVERTISEMENT, LinuxCaptures.DAD_SOLICITATION
                }) {
            byte[] f = LinuxCaptures.bytes(capture);
            int length = Ipv6Packet.payloadLength(f, IP);
            assertEquals(Bytes.u16(f, ICMP + 2), referenceChecksum(f, IP, ICMP, length), capture);
            assertEquals(Bytes.u16(f, ICMP + 2), Icmpv6.checksum(f, IP, ICMP, length), capture);
            assertTrue(Icmpv6.isChecksumValid(f, IP, ICMP, length));
        }
        byte[] out = new byte[Ndp.FRAME_LENGTH];
        Ndp.writeUnsolicitedAdvertisement(out, 0, LB, VIP6);
        assertEquals(Bytes.u16(out, ICMP + 2), referenceChecksum(out, IP, ICMP, 32));
    }

    @Test
    void duplicateAddressDetectionIsAnsweredToAllNodesWithoutSolicited() {
        byte[] dad = LinuxCaptures.bytes(LinuxCaptures.DAD_SOLICITATION);
        assertEquals(Ndp.OK, Ndp.validateSolicitation(dad, IP, ICMP), "a Nonce option is fine");
        assertTrue(Ndp.isUnspecifiedSource(dad, IP));
        assertEquals(-1, Ndp.sourceLinkAddress(dad, IP, ICMP));
        byte[] out = new byte[Ndp.FRAME_LENGTH];
        int n = Ndp.writeAdvertisement(dad, IP, ICMP, out, 0, LB);
        assertEquals(Ndp.FRAME_LENGTH, n);
        assertTrue(MacAddress.parse("33:33:00:00:00:01").matches(out, Ethernet.DESTINATION));
        assertTrue(LB.matches(out, Ethernet.SOURCE));
        assertEquals(
                IpAddress.parse("ff02::1"),
                new IpAddress(Ipv6Packet.destinationHigh(out, IP), Ipv6Packet.destinationLow(out, IP)));
        assertEquals(B6, new IpAddress(Ipv6Packet.sourceHigh(out, IP), Ipv6Packet.sourceLow(out, IP)));
        assertEquals(Ndp.OK, Ndp.validateAdvertisement(out, IP, ICMP));
        assertFalse(Ndp.isSolicited(out, ICMP));
        assertTrue(Ndp.isOverride(out, ICMP));
        assertTrue(LB.matches(out, Ndp.targetLinkAddress(out, IP, ICMP)));
    }

    @Test
    void answerToABuiltSolicitationGoesBackToTheRequester() {
        byte[] ns = solicitation();
        assertEquals(Ndp.OK, Ndp.validateSolicitation(ns, IP, ICMP));
        byte[] out = new byte[Ndp.TAGGED_FRAME_LENGTH];
        int n = Ndp.writeAdvertisement(ns, IP, ICMP, out, 0, LB);
        assertTrue(ROUTER.matches(out, Ethernet.DESTINATION));
        assertTrue(LB.matches(out, Ethernet.SOURCE));
        assertEquals(Ethernet.TYPE_IPV6, Ethernet.etherType(out));
        assertEquals(Ipv6Packet.OK, Ipv6Packet.validate(out, IP, n));
        assertEquals(255, Ipv6Packet.hopLimit(out, IP));
        assertEquals(VIP6, new IpAddress(Ipv6Packet.sourceHigh(out, IP), Ipv6Packet.sourceLow(out, IP)));
        assertEquals(ROUTER6, new IpAddress(Ipv6Packet.destinationHigh(out, IP), Ipv6Packet.destinationLow(out, IP)));
        assertEquals(Ndp.OK, Ndp.validateAdvertisement(out, IP, ICMP));
        assertEquals(Ndp.FLAG_SOLICITED | Ndp.FLAG_OVERRIDE, out[ICMP + Ndp.FLAGS] & 0xff, "not Router");
        assertEquals(VIP6, new IpAddress(Ndp.targetHigh(out, ICMP), Ndp.targetLow(out, ICMP)));
    }

    @Test
    void taggedSolicitationIsAnsweredOnItsVlan() {
        byte[] ns = frame().eth(ROUTER, VIP6_GROUP_MAC)
                .vlan(100)
                .ipv6(ROUTER6, Ndp.solicitedNode(VIP6))
                .neighborSolicitation(VIP6)
                .build();
        int ip = Ethernet.payloadOffset(ns);
        assertEquals(Ethernet.TAGGED_HEADER_LENGTH, ip);
        assertEquals(Ipv6Packet.OK, Ipv6Packet.validate(ns, ip, ns.length));
        assertEquals(Ndp.OK, Ndp.validateSolicitation(ns, ip, ip + 40));
        byte[] out = new byte[Ndp.TAGGED_FRAME_LENGTH];
        int n = Ndp.writeAdvertisement(ns, ip, ip + 40, out, 100, LB);
        assertEquals(Ndp.TAGGED_FRAME_LENGTH, n);
        assertEquals(Ethernet.TYPE_VLAN, Ethernet.etherType(out));
        assertEquals(100, Ethernet.vlanId(out));
        assertEquals(Ethernet.TYPE_IPV6, Bytes.u16(out, Ethernet.INNER_ETHER_TYPE));
        // Behind the tag, the same bytes as the untagged answer.
        byte[] plain = new byte[Ndp.FRAME_LENGTH];
        Ndp.writeAdvertisement(solicitation(), IP, ICMP, plain, 0, LB);
        assertArrayEquals(Arrays.copyOfRange(plain, IP, plain.length), Arrays.copyOfRange(out, ip, n));
        assertEquals(Ndp.OK, Ndp.validateAdvertisement(out, ip, ip + 40));
    }

    @Test
    void unsolicitedAdvertisementOverridesForAllNodes() {
        byte[] out = new byte[Ndp.TAGGED_FRAME_LENGTH];
        int n = Ndp.writeUnsolicitedAdvertisement(out, 0, LB, VIP6);
        assertEquals(Ndp.FRAME_LENGTH, n);
        assertTrue(MacAddress.parse("33:33:00:00:00:01").matches(out, 0));
        assertEquals(
                "6000000000203aff" + "20010db8000200000000000000000020" + "ff020000000000000000000000000001",
                HexFormat.of().formatHex(out, IP, ICMP));
        assertEquals(Ndp.OK, Ndp.validateAdvertisement(out, IP, ICMP));
        assertEquals(Ndp.FLAG_OVERRIDE, out[ICMP + Ndp.FLAGS] & 0xff);
        assertEquals(VIP6, new IpAddress(Ndp.targetHigh(out, ICMP), Ndp.targetLow(out, ICMP)));
        assertTrue(LB.matches(out, Ndp.targetLinkAddress(out, IP, ICMP)));
    }

    @Test
    void solicitationForABackendGoesToItsSolicitedNodeGroup() {
        IpAddress backend = IpAddress.parse("2001:db8:3::ab:cdef");
        byte[] out = new byte[Ndp.TAGGED_FRAME_LENGTH];
        int n = Ndp.writeSolicitation(out, 200, LB, IpAddress.parse("2001:db8:3::5"), backend);
        assertEquals(Ndp.TAGGED_FRAME_LENGTH, n);
        assertEquals(200, Ethernet.vlanId(out));
        assertTrue(MacAddress.parse("33:33:ff:ab:cd:ef").matches(out, 0));
        int ip = Ethernet.TAGGED_HEADER_LENGTH;
        assertEquals(
                IpAddress.parse("ff02::1:ffab:cdef"),
                new IpAddress(Ipv6Packet.destinationHigh(out, ip), Ipv6Packet.destinationLow(out, ip)));
        assertEquals(IpAddress.parse("ff02::1:ffab:cdef"), Ndp.solicitedNode(backend));
        assertEquals(Ndp.OK, Ndp.validateSolicitation(out, ip, ip + 40));
        assertTrue(LB.matches(out, Ndp.sourceLinkAddress(out, ip, ip + 40)));
    }

    @Test
    void rfc4861ValidityChecksOfASolicitation() {
        byte[] ns = solicitation();
        assertEquals(Ndp.BAD_HOP_LIMIT, broken(ns, f -> f[IP + 7] = (byte) 254));
        assertEquals(Ndp.BAD_CODE, broken(ns, f -> f[ICMP + 1] = 1));
        assertEquals(Ndp.BAD_CHECKSUM, broken(ns, f -> f[ICMP + 20] ^= 1, false));
        assertEquals(Ndp.MULTICAST_TARGET, broken(ns, f -> f[ICMP + 8] = (byte) 0xff));
        assertEquals(Ndp.MULTICAST_SOURCE, broken(ns, f -> f[IP + 8] = (byte) 0xff));
        assertEquals(Ndp.BAD_OPTION, broken(ns, f -> f[ICMP + 25] = 0));
        assertEquals(Ndp.BAD_OPTION, broken(ns, f -> f[ICMP + 25] = 2));
        // From :: (duplicate address detection) with a source link-layer option: invalid.
        assertEquals(Ndp.BAD_DAD, broken(ns, f -> Arrays.fill(f, IP + 8, IP + 24, (byte) 0)));
        // ICMP length 20: shorter than a solicitation.
        byte[] shortNs = Arrays.copyOf(ns, ICMP + 20);
        Bytes.putU16(shortNs, IP + 4, 20);
        assertEquals(Ndp.TOO_SHORT, Ndp.validateSolicitation(shortNs, IP, ICMP));
        // An odd byte after the option: not a whole option.
        byte[] trailing = Arrays.copyOf(ns, ns.length + 1);
        Bytes.putU16(trailing, IP + 4, 33);
        Icmpv6.fill(trailing, IP, ICMP, 33);
        assertEquals(Ndp.BAD_OPTION, Ndp.validateSolicitation(trailing, IP, ICMP));
    }

    @Test
    void dadToAnAddressThatIsNotTheSolicitedNodeGroupIsInvalid() {
        byte[] dad = LinuxCaptures.bytes(LinuxCaptures.DAD_SOLICITATION);
        dad[IP + 24 + 15] ^= 1; // ff02::1:ff00:3 is still a solicited-node group
        Icmpv6.fill(dad, IP, ICMP, 32);
        assertEquals(Ndp.OK, Ndp.validateSolicitation(dad, IP, ICMP));
        dad[IP + 24 + 12] = 0; // ff02::1:0:3 is not
        Icmpv6.fill(dad, IP, ICMP, 32);
        assertEquals(Ndp.BAD_DAD, Ndp.validateSolicitation(dad, IP, ICMP));
    }

    @Test
    void rfc4861ValidityChecksOfAnAdvertisement() {
        byte[] na = frame().eth(HOST_B, LB)
                .ipv6(B6, A6)
                .neighborAdvertisement(B6, Ndp.FLAG_SOLICITED | Ndp.FLAG_OVERRIDE)
                .build();
        assertEquals(Ndp.OK, Ndp.validateAdvertisement(na, IP, ICMP));
        assertEquals(B6, new IpAddress(Ndp.targetHigh(na, ICMP), Ndp.targetLow(na, ICMP)));
        assertTrue(HOST_B.matches(na, Ndp.targetLinkAddress(na, IP, ICMP)));
        byte[] toAllNodes = frame().eth(HOST_B, LB)
                .ipv6(B6, IpAddress.parse("ff02::1"))
                .neighborAdvertisement(B6, Ndp.FLAG_SOLICITED)
                .build();
        assertEquals(Ndp.SOLICITED_TO_MULTICAST, Ndp.validateAdvertisement(toAllNodes, IP, ICMP));
        assertEquals(Ndp.BAD_HOP_LIMIT, brokenNa(na, f -> f[IP + 7] = 64));
        assertEquals(Ndp.MULTICAST_TARGET, brokenNa(na, f -> f[ICMP + 8] = (byte) 0xff));
        assertEquals(Ndp.BAD_OPTION, brokenNa(na, f -> f[ICMP + 25] = 0));
    }

    @Test
    void aMessageCutBeforeItsTypeIsNotNdp() {
        byte[] f = frame().eth(ROUTER, LB).ipv6(ROUTER6, VIP6).udp(1, 2).build();
        Bytes.putU16(f, IP + 4, 2);
        assertEquals(Ndp.WRONG_TYPE, Ndp.validateSolicitation(f, IP, ICMP));
        assertEquals(Ndp.WRONG_TYPE, Ndp.validateAdvertisement(f, IP, ICMP));
    }

    private interface Edit {
        void apply(byte[] f);
    }

    private static int broken(byte[] ns, Edit edit) {
        return broken(ns, edit, true);
    }

    /** The solicitation edited, its checksum made right again unless asked not to. */
    private static int broken(byte[] ns, Edit edit, boolean fixChecksum) {
        byte[] f = ns.clone();
        edit.apply(f);
        if (fixChecksum) {
            Icmpv6.fill(f, IP, ICMP, Ipv6Packet.payloadLength(f, IP));
        }
        return Ndp.validateSolicitation(f, IP, ICMP);
    }

    private static int brokenNa(byte[] na, Edit edit) {
        byte[] f = na.clone();
        edit.apply(f);
        Icmpv6.fill(f, IP, ICMP, Ipv6Packet.payloadLength(f, IP));
        return Ndp.validateAdvertisement(f, IP, ICMP);
    }
}
