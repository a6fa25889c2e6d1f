package dsrlb.frame;

import dsrlb.net.IpAddress;
import dsrlb.net.MacAddress;

/**
 * Neighbor Discovery (RFC 4861) over Ethernet: what ARP is for IPv4. Validates received Neighbor
 * Solicitations and Advertisements in place, and writes advertisements (the answer for a VIP,
 * and the unsolicited one sent at start like a gratuitous ARP) and solicitations (resolving a
 * backend) into a caller's buffer, untagged or behind an 802.1Q tag like {@link Arp}.
 *
 * <p>The methods that read take {@code ip}, where the IPv6 header starts, and {@code icmp},
 * where {@link Ipv6Packet#upperLayer} found the ICMPv6 message; the packet must have passed
 * {@link Ipv6Packet#validate}. Offsets named here ({@link #TARGET}, {@link #FLAGS}) are
 * relative to {@code icmp}. What is written is byte for byte what Linux sends (traffic class
 * and flow label 0, hop limit 255, one link-layer address option): NdpTest holds captures.
 */
public final class Ndp {
    /** Type, code, checksum, 4 bytes of flags/reserved, the 16-byte target. */
    public static final int MESSAGE_LENGTH = 24;

    public static final int FLAGS = 4;
    public static final int TARGET = 8;
    public static final int OPTIONS = 24;

    public static final int FLAG_ROUTER = 0x80;
    public static final int FLAG_SOLICITED = 0x40;
    public static final int FLAG_OVERRIDE = 0x20;

    public static final int OPTION_SOURCE_LINK_ADDRESS = 1;
    public static final int OPTION_TARGET_LINK_ADDRESS = 2;
    /** An Ethernet link-layer address option: type, length 1 (in 8-byte units), six bytes. */
    public static final int LINK_ADDRESS_OPTION_LENGTH = 8;

    /** RFC 4861 7.1: NDP arrives with hop limit 255, proof that no router forwarded it. */
    public static final int HOP_LIMIT = 255;

    /** What {@link #writeAdvertisement} and {@link #writeSolicitation} write: message and one option. */
    public static final int ICMP_LENGTH = MESSAGE_LENGTH + LINK_ADDRESS_OPTION_LENGTH;

    public static final int FRAME_LENGTH = Ethernet.HEADER_LENGTH + Ipv6Packet.HEADER_LENGTH + ICMP_LENGTH;
    public static final int TAGGED_FRAME_LENGTH = FRAME_LENGTH + Ethernet.TAG_LENGTH;

    /** ff02::1, all nodes (RFC 4291 2.7.1). */
    public static final long ALL_NODES_HIGH = 0xff02_0000_0000_0000L;

    public static final long ALL_NODES_LOW = 1;
    /** ff02::1:ff00:0/104, the solicited-node prefix (RFC 4291 2.7.1). */
    public static final long SOLICITED_NODE_HIGH = 0xff02_0000_0000_0000L;

    public static final long SOLICITED_NODE_LOW_PREFIX = 0x0000_0001_ff00_0000L;

    /** Outcomes of {@link #validateSolicitation} and {@link #validateAdvertisement}. */
    public static final int OK = 0;
    /** Not the ICMPv6 message asked about (another type, or cut before its type). */
    public static final int WRONG_TYPE = 1;

    public static final int BAD_HOP_LIMIT = 2;
    public static final int BAD_CODE = 3;
    public static final int TOO_SHORT = 4;
    public static final int BAD_CHECKSUM = 5;
    public static final int MULTICAST_TARGET = 6;
    /** An option of length 0, or one running past the message. */
    public static final int BAD_OPTION = 7;
    /** A solicitation from :: (duplicate address detection) with a source link-layer option, or not sent to a solicited-node address. */
    public static final int BAD_DAD = 8;
    /** An advertisement to a multicast address with the Solicited flag (RFC 4861 7.1.2). */
    public static final int SOLICITED_TO_MULTICAST = 9;
    /** A multicast source address (RFC 4291 2.7: never a source): an answer would go to a group. */
    public static final int MULTICAST_SOURCE = 10;

    private Ndp() {}

    /**
     * RFC 4861 7.1.1: {@link #OK} for a Neighbor Solicitation a node must accept, or the first
     * problem found. A solicitation from :: (a host checking that an address is free) passes
     * when sent to the target's solicited-node group without a source link-layer option.
     */
    public static int validateSolicitation(byte[] b, int ip, int icmp) {
        int common = validateCommon(b, ip, icmp, Icmpv6.TYPE_NEIGHBOR_SOLICITATION);
        if (common != OK) {
            return common;
        }
        if (isUnspecifiedSource(b, ip)) {
            if (findOption(b, ip, icmp, OPTION_SOURCE_LINK_ADDRESS) >= 0
                    || Ipv6Packet.destinationHigh(b, ip) != SOLICITED_NODE_HIGH
                    || (Ipv6Packet.destinationLow(b, ip) & 0xffff_ffff_ff00_0000L) != SOLICITED_NODE_LOW_PREFIX) {
                return BAD_DAD;
            }
        }
        return OK;
    }

    /** RFC 4861 7.1.2: {@link #OK} for a Neighbor Advertisement a node must accept, or the first problem found. */
    public static int validateAdvertisement(byte[] b, int ip, int icmp) {
        int common = validateCommon(b, ip, icmp, Icmpv6.TYPE_NEIGHBOR_ADVERTISEMENT);
        if (common != OK) {
            return common;
        }
        if ((b[ip + Ipv6Packet.DESTINATION] & 0xff) == 0xff && isSolicited(b, icmp)) {
            return SOLICITED_TO_MULTICAST;
        }
        return OK;
    }

    private static int validateCommon(byte[] b, int ip, int icmp, int type) {
        int end = Ipv6Packet.end(b, ip);
        if (icmp < ip + Ipv6Packet.HEADER_LENGTH || end - icmp < Icmpv6.HEADER_LENGTH || Icmpv6.type(b, icmp) != type) {
            return WRONG_TYPE;
        }
        if (Ipv6Packet.hopLimit(b, ip) != HOP_LIMIT) {
            return BAD_HOP_LIMIT;
        }
        if ((b[ip + Ipv6Packet.SOURCE] & 0xff) == 0xff) {
            return MULTICAST_SOURCE;
        }
        if (Icmpv6.code(b, icmp) != 0) {
            return BAD_CODE;
        }
        int length = end - icmp;
        if (length < MESSAGE_LENGTH) {
            return TOO_SHORT;
        }
        if (!Icmpv6.isChecksumValid(b, ip, icmp, length)) {
            return BAD_CHECKSUM;
        }
        if ((b[icmp + TARGET] & 0xff) == 0xff) {
            return MULTICAST_TARGET;
        }
        for (int at = icmp + OPTIONS; at < end; ) {
            if (end - at < 2 || b[at + 1] == 0 || Bytes.u8(b, at + 1) * 8 > end - at) {
                return BAD_OPTION;
            }
            at += Bytes.u8(b, at + 1) * 8;
        }
        return OK;
    }

    /** True when the packet's source is :: (RFC 4861: a solicitation for duplicate address detection). */
    public static boolean isUnspecifiedSource(byte[] b, int ip) {
        return Ipv6Packet.sourceHigh(b, ip) == 0 && Ipv6Packet.sourceLow(b, ip) == 0;
    }

    /** Where the 16-byte target address of a validated solicitation or advertisement is. */
    public static int target(int icmp) {
        return icmp + TARGET;
    }

    public static long targetHigh(byte[] b, int icmp) {
        return IpAddress.readLong(b, icmp + TARGET);
    }

    public static long targetLow(byte[] b, int icmp) {
        return IpAddress.readLong(b, icmp + TARGET + 8);
    }

    public static boolean isRouter(byte[] b, int icmp) {
        return (b[icmp + FLAGS] & FLAG_ROUTER) != 0;
    }

    public static boolean isSolicited(byte[] b, int icmp) {
        return (b[icmp + FLAGS] & FLAG_SOLICITED) != 0;
    }

    public static boolean isOverride(byte[] b, int icmp) {
        return (b[icmp + FLAGS] & FLAG_OVERRIDE) != 0;
    }

    /** Where the six bytes of a validated solicitation's source link-layer address are, or -1 without one. */
    public static int sourceLinkAddress(byte[] b, int ip, int icmp) {
        return linkAddress(b, ip, icmp, OPTION_SOURCE_LINK_ADDRESS);
    }

    /** Where the six bytes of a validated advertisement's target link-layer address are, or -1 without one. */
    public static int targetLinkAddress(byte[] b, int ip, int icmp) {
        return linkAddress(b, ip, icmp, OPTION_TARGET_LINK_ADDRESS);
    }

    private static int linkAddress(byte[] b, int ip, int icmp, int type) {
        int at = findOption(b, ip, icmp, type);
        // On Ethernet the option is exactly 8 bytes (RFC 4861 4.6.1); Linux ignores other sizes too.
        return at >= 0 && Bytes.u8(b, at + 1) == 1 ? at + 2 : -1;
    }

    /** The first option of {@code type} in a message whose options {@link #validateCommon} checked, or -1. */
    private static int findOption(byte[] b, int ip, int icmp, int type) {
        int end = Ipv6Packet.end(b, ip);
        for (int at = icmp + OPTIONS; end - at >= 2 && b[at + 1] != 0; at += Bytes.u8(b, at + 1) * 8) {
            if (Bytes.u8(b, at) == type) {
                return at;
            }
        }
        return -1;
    }

    /**
     * Answers the validated solicitation in {@code ns}: "the target is at {@code ownMac}", from
     * the target (the VIP) to the solicitation's source with Solicited and Override set and a
     * target link-layer option, Ethernet-unicast to the frame's source. A solicitation from ::
     * is answered to all nodes (ff02::1, 33:33:00:00:00:01) without Solicited (RFC 4861 7.2.4).
     * The caller checks that the target is one of its addresses.
     *
     * @param out another buffer than {@code ns}, at least {@link #TAGGED_FRAME_LENGTH} when tagged
     * @param vlan the tag to write, 0 for none
     * @return the frame length
     */
    public static int writeAdvertisement(byte[] ns, int ip, int icmp, byte[] out, int vlan, MacAddress ownMac) {
        boolean dad = isUnspecifiedSource(ns, ip);
        long dstHigh = dad ? ALL_NODES_HIGH : Ipv6Packet.sourceHigh(ns, ip);
        long dstLow = dad ? ALL_NODES_LOW : Ipv6Packet.sourceLow(ns, ip);
        if (dad) {
            writeMulticastMac(out, ALL_NODES_LOW);
        } else {
            System.arraycopy(ns, Ethernet.SOURCE, out, Ethernet.DESTINATION, MacAddress.LENGTH);
        }
        int flags = dad ? FLAG_OVERRIDE : FLAG_SOLICITED | FLAG_OVERRIDE;
        return writeMessage(
                out,
                vlan,
                ownMac,
                Icmpv6.TYPE_NEIGHBOR_ADVERTISEMENT,
                flags,
                targetHigh(ns, icmp),
                targetLow(ns, icmp),
                dstHigh,
                dstLow,
                targetHigh(ns, icmp),
                targetLow(ns, icmp),
                OPTION_TARGET_LINK_ADDRESS);
    }

    /**
     * An unsolicited advertisement of {@code target} at {@code ownMac} to all nodes, Override set
     * (RFC 4861 7.2.6): what dsrlb sends at start for each VIP, as a gratuitous ARP for IPv4.
     */
    public static int writeUnsolicitedAdvertisement(byte[] out, int vlan, MacAddress ownMac, IpAddress target) {
        writeMulticastMac(out, ALL_NODES_LOW);
        return writeMessage(
                out,
                vlan,
                ownMac,
                Icmpv6.TYPE_NEIGHBOR_ADVERTISEMENT,
                FLAG_OVERRIDE,
                target.high(),
                target.low(),
                ALL_NODES_HIGH,
                ALL_NODES_LOW,
                target.high(),
                target.low(),
                OPTION_TARGET_LINK_ADDRESS);
    }

    /**
     * A solicitation "who has {@code target}?" from {@code source} (one of our own addresses on
     * that link) with our link-layer address, to the target's solicited-node group
     * ff02::1:ffXX:XXXX and MAC 33:33:ff:XX:XX:XX (RFC 4861 7.2.2).
     */
    public static int writeSolicitation(byte[] out, int vlan, MacAddress ownMac, IpAddress source, IpAddress target) {
        long groupLow = solicitedNodeLow(target.low());
        writeMulticastMac(out, groupLow);
        return writeMessage(
                out,
                vlan,
                ownMac,
                Icmpv6.TYPE_NEIGHBOR_SOLICITATION,
                0,
                source.high(),
                source.low(),
                SOLICITED_NODE_HIGH,
                groupLow,
                target.high(),
                target.low(),
                OPTION_SOURCE_LINK_ADDRESS);
    }

    /** The low 64 bits of the solicited-node group of an address whose low 64 bits are {@code low}. */
    public static long solicitedNodeLow(long low) {
        return SOLICITED_NODE_LOW_PREFIX | (low & 0x00ff_ffffL);
    }

    /** The solicited-node group of {@code address} (ff02::1:ff and its low 24 bits). */
    public static IpAddress solicitedNode(IpAddress address) {
        return new IpAddress(SOLICITED_NODE_HIGH, solicitedNodeLow(address.low()));
    }

    /** 33:33 and the group's low 32 bits (RFC 2464 7), at the frame's destination. */
    private static void writeMulticastMac(byte[] out, long groupLow) {
        out[Ethernet.DESTINATION] = 0x33;
        out[Ethernet.DESTINATION + 1] = 0x33;
        Bytes.putI32(out, Ethernet.DESTINATION + 2, (int) groupLow);
    }

    /** Everything after the Ethernet destination. */
    private static int writeMessage(
            byte[] out,
            int vlan,
            MacAddress ownMac,
            int type,
            int flags,
            long srcHigh,
            long srcLow,
            long dstHigh,
            long dstLow,
            long targetHigh,
            long targetLow,
            int optionType) {
        ownMac.writeTo(out, Ethernet.SOURCE);
        int ip = Ethernet.writeType(out, vlan, Ethernet.TYPE_IPV6);
        Ipv6Packet.writeHeader(
                out, ip, ICMP_LENGTH, Ipv6Packet.PROTO_ICMPV6, HOP_LIMIT, srcHigh, srcLow, dstHigh, dstLow);
        int icmp = ip + Ipv6Packet.HEADER_LENGTH;
        out[icmp + Icmpv6.TYPE] = (byte) type;
        out[icmp + Icmpv6.CODE] = 0;
        Bytes.putU16(out, icmp + Icmpv6.CHECKSUM, 0);
        Bytes.putI32(out, icmp + FLAGS, flags << 24);
        IpAddress.writeLong(out, icmp + TARGET, targetHigh);
        IpAddress.writeLong(out, icmp + TARGET + 8, targetLow);
        out[icmp + OPTIONS] = (byte) optionType;
        out[icmp + OPTIONS + 1] = 1;
        ownMac.writeTo(out, icmp + OPTIONS + 2);
        Icmpv6.fill(out, ip, icmp, ICMP_LENGTH);
        return icmp + ICMP_LENGTH;
    }
}
