package dsrlb.frame;

import dsrlb.net.IpAddress;

/**
 * Reads an IPv6 header (RFC 8200) in place at a given offset, and walks its extension headers
 * to the upper-layer header without allocating: {@link #upperLayer} writes what it found into a
 * small {@code int[]} the caller owns (one per receive thread). {@link #validate} must pass
 * before the other accessors are trusted.
 */
public final class Ipv6Packet {
    public static final int HEADER_LENGTH = 40;
    public static final int PAYLOAD_LENGTH = 4;
    public static final int NEXT_HEADER = 6;
    public static final int HOP_LIMIT = 7;
    public static final int SOURCE = 8;
    public static final int DESTINATION = 24;

    public static final int PROTO_HOP_BY_HOP = 0;
    public static final int PROTO_TCP = Ipv4Packet.PROTO_TCP;
    public static final int PROTO_UDP = Ipv4Packet.PROTO_UDP;
    public static final int PROTO_ROUTING = 43;
    public static final int PROTO_FRAGMENT = 44;
    public static final int PROTO_ICMPV6 = 58;
    public static final int PROTO_NO_NEXT_HEADER = 59;
    public static final int PROTO_DESTINATION_OPTIONS = 60;

    /**
     * How many extension headers {@link #upperLayer} passes before it gives up: a real packet
     * has at most a handful (RFC 8200 4.1 lists six kinds, each at most once or twice); a
     * longer chain is someone making the receive thread walk.
     */
    public static final int MAX_EXTENSION_HEADERS = 8;

    /** Outcomes of {@link #validate} and {@link #upperLayer}. */
    public static final int OK = 0;

    public static final int TRUNCATED = 1;
    public static final int BAD_VERSION = 2;
    public static final int BAD_PAYLOAD_LENGTH = 3;
    /** An extension header runs past the payload, or a Hop-by-Hop header is not the first. */
    public static final int BAD_EXTENSION_HEADER = 4;

    public static final int TOO_MANY_EXTENSION_HEADERS = 5;

    /** Slots of the {@code int[]} that {@link #upperLayer} fills; allocate it with {@link #UPPER_LAYER_SLOTS}. */
    public static final int UL_PROTOCOL = 0;
    /** Where the upper-layer header (or, in a non-first fragment, the fragment's data) starts. */
    public static final int UL_OFFSET = 1;
    /** One of {@link #NOT_FRAGMENTED}, {@link #FIRST_FRAGMENT}, {@link #LATER_FRAGMENT}. */
    public static final int UL_FRAGMENT = 2;
    /** 1 when a Routing header with segments left was passed: the final destination is not the header's. */
    public static final int UL_ROUTED = 3;

    public static final int UPPER_LAYER_SLOTS = 4;

    /** No Fragment header, or an atomic one (offset 0, no more fragments: RFC 8200 4.5). */
    public static final int NOT_FRAGMENTED = 0;
    /** Offset 0 with more to come: the upper-layer header is here, its checksum covers more. */
    public static final int FIRST_FRAGMENT = 1;
    /** Offset above 0: no upper-layer header in this packet, so no port (the forwarder uses -1). */
    public static final int LATER_FRAGMENT = 2;

    private Ipv6Packet() {}

    /**
     * Checks that an IPv6 header fits in what was captured and that its payload length does:
     * {@link #OK}, or the code of the first problem found.
     *
     * @param offset where the IPv6 header starts
     * @param end index after the last captured byte (Ethernet padding may follow the packet)
     */
    public static int validate(byte[] b, int offset, int end) {
        if (end - offset < HEADER_LENGTH) {
            return TRUNCATED;
        }
        if ((b[offset] & 0xf0) != 0x60) {
            return BAD_VERSION;
        }
        // Payload length 0 with a Jumbo Payload option (RFC 2675) cannot occur on Ethernet.
        if (payloadLength(b, offset) > end - offset - HEADER_LENGTH) {
            return BAD_PAYLOAD_LENGTH;
        }
        return OK;
    }

    public static int payloadLength(byte[] b, int offset) {
        return Bytes.u16(b, offset + PAYLOAD_LENGTH);
    }

    /** Index after the packet's last byte (what follows may be Ethernet padding). */
    public static int end(byte[] b, int offset) {
        return offset + HEADER_LENGTH + payloadLength(b, offset);
    }

    public static int nextHeader(byte[] b, int offset) {
        return b[offset + NEXT_HEADER] & 0xff;
    }

    public static int hopLimit(byte[] b, int offset) {
        return b[offset + HOP_LIMIT] & 0xff;
    }

    /** The high 64 bits of the source address ({@link IpAddress#high}); no object made. */
    public static long sourceHigh(byte[] b, int offset) {
        return IpAddress.readLong(b, offset + SOURCE);
    }

    public static long sourceLow(byte[] b, int offset) {
        return IpAddress.readLong(b, offset + SOURCE + 8);
    }

    public static long destinationHigh(byte[] b, int offset) {
        return IpAddress.readLong(b, offset + DESTINATION);
    }

    public static long destinationLow(byte[] b, int offset) {
        return IpAddress.readLong(b, offset + DESTINATION + 8);
    }

    /**
     * Walks Hop-by-Hop, Routing, Destination Options and Fragment headers (at most
     * {@link #MAX_EXTENSION_HEADERS}) to the upper-layer header and fills {@code out}:
     * {@link #UL_PROTOCOL} (the first Next Header value that is not one of those four, e.g.
     * {@link #PROTO_UDP}, {@link #PROTO_ICMPV6}, {@link #PROTO_NO_NEXT_HEADER}),
     * {@link #UL_OFFSET}, {@link #UL_FRAGMENT} and {@link #UL_ROUTED}. In a later fragment the
     * walk stops at the Fragment header: what follows is the middle of someone's datagram.
     * The packet must have passed {@link #validate}.
     *
     * @param out at least {@link #UPPER_LAYER_SLOTS} ints, written only when the result is {@link #OK}
     * @return {@link #OK}, {@link #BAD_EXTENSION_HEADER} or {@link #TOO_MANY_EXTENSION_HEADERS}
     */
    public static int upperLayer(byte[] b, int offset, int[] out) {
        int end = end(b, offset);
        int next = nextHeader(b, offset);
        int at = offset + HEADER_LENGTH;
        int fragment = NOT_FRAGMENTED;
        int routed = 0;
        for (int headers = 0; ; headers++) {
            if (next != PROTO_HOP_BY_HOP
                    && next != PROTO_ROUTING
                    && next != PROTO_DESTINATION_OPTIONS
                    && next != PROTO_FRAGMENT) {
                break;
            }
            if (headers == MAX_EXTENSION_HEADERS) {
                return TOO_MANY_EXTENSION_HEADERS;
            }
            if (next == PROTO_HOP_BY_HOP && headers != 0) {
                return BAD_EXTENSION_HEADER; // RFC 8200 4.3: only right after the IPv6 header
            }
            if (end - at < 8) {
                return BAD_EXTENSION_HEADER; // every extension header is at least 8 bytes
            }
            int length;
            if (next == PROTO_FRAGMENT) {
                length = 8;
                int field = Bytes.u16(b, at + 2);
                int fragmentOffset = field >>> 3;
                boolean more = (field & 1) != 0;
                if (fragmentOffset != 0) {
                    fragment = LATER_FRAGMENT;
                } else if (more) {
                    fragment = FIRST_FRAGMENT;
                }
            } else {
                length = (Bytes.u8(b, at + 1) + 1) * 8;
                if (length > end - at) {
                    return BAD_EXTENSION_HEADER;
                }
                if (next == PROTO_ROUTING && Bytes.u8(b, at + 3) != 0) {
                    routed = 1;
                }
            }
            next = Bytes.u8(b, at);
            at += length;
            if (fragment == LATER_FRAGMENT) {
                break;
            }
        }
        out[UL_PROTOCOL] = next;
        out[UL_OFFSET] = at;
        out[UL_FRAGMENT] = fragment;
        out[UL_ROUTED] = routed;
        return OK;
    }

    /**
     * The TCP/UDP destination port from a walk's result, or -1: other protocols, later
     * fragments, and packets too short to hold the port (as the forwarder does for IPv4).
     */
    public static int destinationPort(byte[] b, int offset, int[] upperLayer) {
        int protocol = upperLayer[UL_PROTOCOL];
        if ((protocol != PROTO_UDP && protocol != PROTO_TCP) || upperLayer[UL_FRAGMENT] == LATER_FRAGMENT) {
            return -1;
        }
        int l4 = upperLayer[UL_OFFSET];
        if (end(b, offset) < l4 + 4) {
            return -1;
        }
        return Bytes.u16(b, l4 + 2);
    }

    /** Writes a 40-byte header with traffic class and flow label 0 (as Linux's NDP does). */
    public static void writeHeader(
            byte[] out,
            int offset,
            int payloadLength,
            int nextHeader,
            int hopLimit,
            long srcHigh,
            long srcLow,
            long dstHigh,
            long dstLow) {
        out[offset] = 0x60;
        out[offset + 1] = 0;
        out[offset + 2] = 0;
        out[offset + 3] = 0;
        Bytes.putU16(out, offset + PAYLOAD_LENGTH, payloadLength);
        out[offset + NEXT_HEADER] = (byte) nextHeader;
        out[offset + HOP_LIMIT] = (byte) hopLimit;
        IpAddress.writeLong(out, offset + SOURCE, srcHigh);
        IpAddress.writeLong(out, offset + SOURCE + 8, srcLow);
        IpAddress.writeLong(out, offset + DESTINATION, dstHigh);
        IpAddress.writeLong(out, offset + DESTINATION + 8, dstLow);
    }
}
