package dsrlb.frame;

/**
 * UDP and TCP checksums over IPv4 and IPv6, and completion of a partial one.
 *
 * <p>veth and virtio pass on packets whose checksum the sending kernel left for "hardware"
 * (CHECKSUM_PARTIAL): the field holds only the folded pseudo-header sum. A capture sees those
 * bytes; sent on as they are, the backend's stack drops the datagram. The forwarder cannot see
 * the skb flag through libpcap, but a partial field has a recognizable value: it equals the
 * folded pseudo-header sum. Recomputing the checksum from scratch when the field has that
 * value is safe even when the match is a coincidence, because a correct checksum recomputes
 * to itself. IPv6 works alike with its own pseudo-header (RFC 8200 8.1); the kernel leaves
 * the same kind of partial field there.
 */
public final class L4Checksum {
    /** Outcomes of {@link #completeIfPartial}. */
    public static final int UNCHANGED = 0;

    public static final int COMPLETED = 1;
    public static final int NOT_APPLICABLE = 2;

    private L4Checksum() {}

    /** Offset of the checksum field inside the L4 header, or -1 for protocols without one we touch. */
    public static int checksumFieldOffset(int protocol) {
        return switch (protocol) {
            case Ipv4Packet.PROTO_UDP -> 6;
            case Ipv4Packet.PROTO_TCP -> 16;
            default -> -1;
        };
    }

    /**
     * Completes the UDP/TCP checksum of the packet at {@code ipOffset} if it is partial.
     * The packet must have passed {@link Ipv4Packet#validate}.
     */
    public static int completeIfPartial(byte[] b, int ipOffset) {
        int protocol = Ipv4Packet.protocol(b, ipOffset);
        int fieldOffset = checksumFieldOffset(protocol);
        if (fieldOffset < 0 || Ipv4Packet.fragmentOffset(b, ipOffset) != 0 || Ipv4Packet.moreFragments(b, ipOffset)) {
            // A fragmented datagram's checksum covers bytes this frame does not hold.
            return NOT_APPLICABLE;
        }
        int ihl = Ipv4Packet.headerLength(b, ipOffset);
        int l4Offset = ipOffset + ihl;
        int l4Length = Ipv4Packet.totalLength(b, ipOffset) - ihl;
        if (l4Length < fieldOffset + 2) {
            return NOT_APPLICABLE;
        }
        int field = Bytes.u16(b, l4Offset + fieldOffset);
        if (protocol == Ipv4Packet.PROTO_UDP && field == 0) {
            return UNCHANGED; // UDP over IPv4: no checksum at all
        }
        int pseudo = fold(pseudoHeaderSum(b, ipOffset, protocol, l4Length));
        if (field != pseudo && !(pseudo == 0xffff && field == 0)) {
            return UNCHANGED;
        }
        int checksum = compute(b, ipOffset, l4Offset, l4Length, protocol, fieldOffset);
        Bytes.putU16(b, l4Offset + fieldOffset, checksum);
        return checksum == field ? UNCHANGED : COMPLETED;
    }

    /** True when the UDP/TCP checksum of the packet verifies (a UDP checksum of 0 counts as valid). */
    public static boolean isValid(byte[] b, int ipOffset) {
        int protocol = Ipv4Packet.protocol(b, ipOffset);
        int fieldOffset = checksumFieldOffset(protocol);
        int ihl = Ipv4Packet.headerLength(b, ipOffset);
        int l4Offset = ipOffset + ihl;
        int l4Length = Ipv4Packet.totalLength(b, ipOffset) - ihl;
        if (protocol == Ipv4Packet.PROTO_UDP && Bytes.u16(b, l4Offset + fieldOffset) == 0) {
            return true;
        }
        long sum = pseudoHeaderSum(b, ipOffset, protocol, l4Length) + sum(b, l4Offset, l4Length);
        return fold(sum) == 0xffff;
    }

    /** Computes the checksum with the field taken as zero; UDP's 0 is sent as 0xffff. */
    public static int compute(byte[] b, int ipOffset, int l4Offset, int l4Length, int protocol, int fieldOffset) {
        long sum = pseudoHeaderSum(b, ipOffset, protocol, l4Length)
                + sum(b, l4Offset, l4Length)
                - Bytes.u16(b, l4Offset + fieldOffset);
        int checksum = ~fold(sum) & 0xffff;
        if (checksum == 0 && protocol == Ipv4Packet.PROTO_UDP) {
            checksum = 0xffff;
        }
        return checksum;
    }

    /** Writes a freshly computed checksum (used by frame builders in tests and tools). */
    public static void fill(byte[] b, int ipOffset) {
        int protocol = Ipv4Packet.protocol(b, ipOffset);
        int fieldOffset = checksumFieldOffset(protocol);
        int ihl = Ipv4Packet.headerLength(b, ipOffset);
        int l4Length = Ipv4Packet.totalLength(b, ipOffset) - ihl;
        Bytes.putU16(b, ipOffset + ihl + fieldOffset, 0);
        Bytes.putU16(
                b, ipOffset + ihl + fieldOffset, compute(b, ipOffset, ipOffset + ihl, l4Length, protocol, fieldOffset));
    }

    /** Writes what a sending kernel leaves for offload: the folded pseudo-header sum. */
    public static void fillPartial(byte[] b, int ipOffset) {
        int protocol = Ipv4Packet.protocol(b, ipOffset);
        int ihl = Ipv4Packet.headerLength(b, ipOffset);
        int l4Length = Ipv4Packet.totalLength(b, ipOffset) - ihl;
        Bytes.putU16(
                b,
                ipOffset + ihl + checksumFieldOffset(protocol),
                fold(pseudoHeaderSum(b, ipOffset, protocol, l4Length)));
    }

    /**
     * {@link #completeIfPartial} for IPv6: {@code upperLayer} is what {@link Ipv6Packet#upperLayer}
     * found for the packet at {@code ip} (no per-packet walk here). Fragments, and packets whose
     * Routing header still has segments left (their pseudo-header names another destination),
     * are {@link #NOT_APPLICABLE}.
     */
    public static int completeIfPartialIpv6(byte[] b, int ip, int[] upperLayer) {
        int protocol = upperLayer[Ipv6Packet.UL_PROTOCOL];
        int fieldOffset = checksumFieldOffset(protocol);
        if (fieldOffset < 0
                || upperLayer[Ipv6Packet.UL_FRAGMENT] != Ipv6Packet.NOT_FRAGMENTED
                || upperLayer[Ipv6Packet.UL_ROUTED] != 0) {
            return NOT_APPLICABLE;
        }
        int l4 = upperLayer[Ipv6Packet.UL_OFFSET];
        int l4Length = Ipv6Packet.end(b, ip) - l4;
        if (l4Length < fieldOffset + 2) {
            return NOT_APPLICABLE;
        }
        int field = Bytes.u16(b, l4 + fieldOffset);
        int pseudo = fold(pseudoHeaderSumIpv6(b, ip, protocol, l4Length));
        if (field != pseudo && !(pseudo == 0xffff && field == 0)) {
            return UNCHANGED;
        }
        int checksum = computeIpv6(b, ip, l4, l4Length, protocol, fieldOffset);
        Bytes.putU16(b, l4 + fieldOffset, checksum);
        return checksum == field ? UNCHANGED : COMPLETED;
    }

    /**
     * True when the UDP/TCP checksum of the IPv6 packet verifies. Unlike IPv4, a UDP checksum
     * of 0 is not "none" but invalid (RFC 8200 8.1).
     *
     * @param l4 where the UDP/TCP header starts ({@link Ipv6Packet#UL_OFFSET})
     */
    public static boolean isValidIpv6(byte[] b, int ip, int l4, int protocol) {
        int fieldOffset = checksumFieldOffset(protocol);
        int l4Length = Ipv6Packet.end(b, ip) - l4;
        if (fieldOffset < 0 || l4Length < fieldOffset + 2) {
            return false;
        }
        if (protocol == Ipv4Packet.PROTO_UDP && Bytes.u16(b, l4 + fieldOffset) == 0) {
            return false;
        }
        return fold(pseudoHeaderSumIpv6(b, ip, protocol, l4Length) + sum(b, l4, l4Length)) == 0xffff;
    }

    /**
     * The checksum of the upper-layer message at {@code l4} of the IPv6 packet at {@code ip},
     * {@code l4Length} bytes, the field at {@code fieldOffset} taken as zero; UDP's computed 0
     * is sent as 0xffff (0 would mean "no checksum", which IPv6 forbids).
     */
    public static int computeIpv6(byte[] b, int ip, int l4, int l4Length, int protocol, int fieldOffset) {
        long sum =
                pseudoHeaderSumIpv6(b, ip, protocol, l4Length) + sum(b, l4, l4Length) - Bytes.u16(b, l4 + fieldOffset);
        int checksum = ~fold(sum) & 0xffff;
        return checksum == 0 && protocol == Ipv4Packet.PROTO_UDP ? 0xffff : checksum;
    }

    /** Writes a freshly computed UDP/TCP checksum into the IPv6 packet (builders in tests and tools). */
    public static void fillIpv6(byte[] b, int ip, int l4, int protocol) {
        int fieldOffset = checksumFieldOffset(protocol);
        Bytes.putU16(b, l4 + fieldOffset, computeIpv6(b, ip, l4, Ipv6Packet.end(b, ip) - l4, protocol, fieldOffset));
    }

    /** Writes what a sending kernel leaves for offload in an IPv6 packet: the folded pseudo-header sum. */
    public static void fillPartialIpv6(byte[] b, int ip, int l4, int protocol) {
        Bytes.putU16(
                b,
                l4 + checksumFieldOffset(protocol),
                fold(pseudoHeaderSumIpv6(b, ip, protocol, Ipv6Packet.end(b, ip) - l4)));
    }

    /** RFC 8200 8.1: source, destination, 32-bit upper-layer length, zeros and next header. */
    static long pseudoHeaderSumIpv6(byte[] b, int ip, int protocol, int l4Length) {
        return sum(b, ip + Ipv6Packet.SOURCE, 32) + (l4Length >>> 16) + (l4Length & 0xffff) + protocol;
    }

    static long pseudoHeaderSum(byte[] b, int ipOffset, int protocol, int l4Length) {
        return sum(b, ipOffset + 12, 8) + protocol + l4Length;
    }

    static long sum(byte[] b, int offset, int length) {
        long sum = 0;
        int end = offset + (length & ~1);
        for (int i = offset; i < end; i += 2) {
            sum += ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
        }
        if ((length & 1) != 0) {
            sum += (b[offset + length - 1] & 0xff) << 8;
        }
        return sum;
    }

    static int fold(long sum) {
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) sum;
    }
}
