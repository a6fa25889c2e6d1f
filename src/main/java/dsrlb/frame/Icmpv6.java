package dsrlb.frame;

/**
 * ICMPv6 (RFC 4443) fields at an {@code icmp} offset inside an IPv6 packet, and its checksum,
 * which covers the IPv6 pseudo-header (RFC 8200 8.1) like UDP's.
 */
public final class Icmpv6 {
    public static final int TYPE = 0;
    public static final int CODE = 1;
    public static final int CHECKSUM = 2;
    public static final int HEADER_LENGTH = 4;

    /** Router Solicitation: the first of Neighbor Discovery's types (RFC 4861 4), 133..137. */
    public static final int TYPE_ROUTER_SOLICITATION = 133;

    public static final int TYPE_NEIGHBOR_SOLICITATION = 135;
    public static final int TYPE_NEIGHBOR_ADVERTISEMENT = 136;
    /** Redirect: the last of Neighbor Discovery's types. */
    public static final int TYPE_REDIRECT = 137;

    private Icmpv6() {}

    public static int type(byte[] b, int icmp) {
        return b[icmp + TYPE] & 0xff;
    }

    public static int code(byte[] b, int icmp) {
        return b[icmp + CODE] & 0xff;
    }

    /** The checksum of the {@code length}-byte message at {@code icmp}, its own field taken as zero. */
    public static int checksum(byte[] b, int ip, int icmp, int length) {
        return L4Checksum.computeIpv6(b, ip, icmp, length, Ipv6Packet.PROTO_ICMPV6, CHECKSUM);
    }

    /** True when the message's checksum verifies; {@code length} must be at least {@link #HEADER_LENGTH}. */
    public static boolean isChecksumValid(byte[] b, int ip, int icmp, int length) {
        long sum = L4Checksum.pseudoHeaderSumIpv6(b, ip, Ipv6Packet.PROTO_ICMPV6, length)
                + L4Checksum.sum(b, icmp, length);
        return L4Checksum.fold(sum) == 0xffff;
    }

    /** Computes and writes the checksum of the message at {@code icmp}. */
    public static void fill(byte[] b, int ip, int icmp, int length) {
        Bytes.putU16(b, icmp + CHECKSUM, checksum(b, ip, icmp, length));
    }
}
