package dsrlb.frame;

/**
 * Reads an IPv4 header in place at a given offset. {@link #validate} must pass before the
 * other accessors are trusted; it checks every length the forwarder later relies on.
 */
public final class Ipv4Packet {
    public static final int MIN_HEADER_LENGTH = 20;
    public static final int PROTO_TCP = 6;
    public static final int PROTO_UDP = 17;
    public static final int PROTO_ICMP = 1;

    /** Outcomes of {@link #validate}. */
    public static final int OK = 0;

    public static final int TRUNCATED = 1;
    public static final int BAD_VERSION = 2;
    public static final int BAD_HEADER_LENGTH = 3;
    public static final int BAD_TOTAL_LENGTH = 4;

    private Ipv4Packet() {}

    /**
     * Checks that an IPv4 header is well formed and fits in what was captured: {@link #OK}, or
     * the code of the first problem found.
     *
     * @param offset where the IPv4 header starts
     * @param end index after the last captured byte (Ethernet padding may follow the packet)
     */
    public static int validate(byte[] b, int offset, int end) {
        if (end - offset < MIN_HEADER_LENGTH) {
            return TRUNCATED;
        }
        if ((b[offset] & 0xf0) != 0x40) {
            return BAD_VERSION;
        }
        int ihl = headerLength(b, offset);
        if (ihl < MIN_HEADER_LENGTH || ihl > end - offset) {
            return BAD_HEADER_LENGTH;
        }
        int total = totalLength(b, offset);
        if (total < ihl || total > end - offset) {
            return BAD_TOTAL_LENGTH;
        }
        return OK;
    }

    public static int headerLength(byte[] b, int offset) {
        return (b[offset] & 0x0f) * 4;
    }

    public static int totalLength(byte[] b, int offset) {
        return Bytes.u16(b, offset + 2);
    }

    public static int protocol(byte[] b, int offset) {
        return b[offset + 9] & 0xff;
    }

    public static int source(byte[] b, int offset) {
        return Bytes.i32(b, offset + 12);
    }

    public static int destination(byte[] b, int offset) {
        return Bytes.i32(b, offset + 16);
    }

    /** Fragment offset in 8-byte units; non-zero means no L4 header in this packet. */
    public static int fragmentOffset(byte[] b, int offset) {
        return Bytes.u16(b, offset + 6) & 0x1fff;
    }

    public static boolean moreFragments(byte[] b, int offset) {
        return (b[offset + 6] & 0x20) != 0;
    }
}
