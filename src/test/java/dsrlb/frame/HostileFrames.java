package dsrlb.frame;

import dsrlb.net.IpAddress;
import dsrlb.net.MacAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Frames a load balancer meets on a hostile or merely odd LAN, built byte by byte the way a
 * sender would put them on the wire: IP options, fragments, 802.1Q tags, odd TTLs, TCP.
 */
public final class HostileFrames {
    /** Router Alert (RFC 2113), the IP option hosts really send (IGMP, RSVP); a fresh copy each call. */
    public static byte[] routerAlert() {
        return new byte[] {(byte) 0x94, 0x04, 0x00, 0x00};
    }

    private static final int MORE_FRAGMENTS = 0x2000;

    private HostileFrames() {}

    /**
     * An Ethernet/IPv4 frame; {@code options} must be a multiple of 4 bytes. The IP header
     * checksum is filled, the L4 bytes are taken as given.
     *
     * @param flagsAndOffset the IPv4 flags/fragment-offset field as sent
     */
    public static byte[] ipv4(
            MacAddress dst,
            MacAddress src,
            int srcIp,
            int dstIp,
            int protocol,
            byte[] options,
            int id,
            int flagsAndOffset,
            int ttl,
            byte[] l4) {
        int ihl = Ipv4Packet.MIN_HEADER_LENGTH + options.length;
        byte[] f = new byte[Ethernet.HEADER_LENGTH + ihl + l4.length];
        dst.writeTo(f, Ethernet.DESTINATION);
        src.writeTo(f, Ethernet.SOURCE);
        Bytes.putU16(f, Ethernet.ETHER_TYPE, Ethernet.TYPE_IPV4);
        int ip = Ethernet.HEADER_LENGTH;
        f[ip] = (byte) (0x40 | ihl / 4);
        Bytes.putU16(f, ip + 2, ihl + l4.length);
        Bytes.putU16(f, ip + 4, id);
        Bytes.putU16(f, ip + 6, flagsAndOffset);
        f[ip + 8] = (byte) ttl;
        f[ip + 9] = (byte) protocol;
        Bytes.putI32(f, ip + 12, srcIp);
        Bytes.putI32(f, ip + 16, dstIp);
        System.arraycopy(options, 0, f, ip + Ipv4Packet.MIN_HEADER_LENGTH, options.length);
        System.arraycopy(l4, 0, f, ip + ihl, l4.length);
        Bytes.putU16(f, ip + 10, ~L4Checksum.fold(L4Checksum.sum(f, ip, ihl)) & 0xffff);
        return f;
    }

    /** A UDP datagram with IP options and a complete UDP checksum. */
    public static byte[] udpWithOptions(
            MacAddress dst,
            MacAddress src,
            int srcIp,
            int dstIp,
            int srcPort,
            int dstPort,
            byte[] options,
            byte[] payload) {
        byte[] f = ipv4(
                dst,
                src,
                srcIp,
                dstIp,
                Ipv4Packet.PROTO_UDP,
                options,
                0x4321,
                0,
                64,
                udpHeaderAndPayload(srcPort, dstPort, payload));
        L4Checksum.fill(f, Ethernet.HEADER_LENGTH);
        return f;
    }

    /** A UDP datagram (complete checksum) with the given TTL. */
    public static byte[] udpWithTtl(
            MacAddress dst, MacAddress src, int srcIp, int dstIp, int srcPort, int dstPort, int ttl, byte[] payload) {
        byte[] f = ipv4(
                dst,
                src,
                srcIp,
                dstIp,
                Ipv4Packet.PROTO_UDP,
                new byte[0],
                0x1111,
                0x4000,
                ttl,
                udpHeaderAndPayload(srcPort, dstPort, payload));
        L4Checksum.fill(f, Ethernet.HEADER_LENGTH);
        return f;
    }

    /** A TCP SYN as a Linux sender with tx offload leaves it: checksum partial. */
    public static byte[] tcpSynPartial(MacAddress dst, MacAddress src, int srcIp, int dstIp, int srcPort, int dstPort) {
        byte[] tcp = new byte[20];
        Bytes.putU16(tcp, 0, srcPort);
        Bytes.putU16(tcp, 2, dstPort);
        Bytes.putI32(tcp, 4, 0x01020304);
        tcp[12] = 0x50; // data offset 5 words
        tcp[13] = 0x02; // SYN
        Bytes.putU16(tcp, 14, 64240);
        byte[] f = ipv4(dst, src, srcIp, dstIp, Ipv4Packet.PROTO_TCP, new byte[0], 0x2222, 0x4000, 64, tcp);
        L4Checksum.fillPartial(f, Ethernet.HEADER_LENGTH);
        return f;
    }

    /**
     * A UDP datagram of {@code payload} cut into IPv4 fragments of at most {@code fragmentData}
     * bytes of IP payload each (a multiple of 8), the first one carrying the UDP header.
     */
    public static List<byte[]> udpFragments(
            MacAddress dst,
            MacAddress src,
            int srcIp,
            int dstIp,
            int srcPort,
            int dstPort,
            int id,
            byte[] payload,
            int fragmentData) {
        if (fragmentData % 8 != 0) {
            throw new IllegalArgumentException("fragment data must be a multiple of 8");
        }
        // The checksum is over the whole datagram: compute it on an unfragmented copy.
        byte[] whole = ipv4(
                dst,
                src,
                srcIp,
                dstIp,
                Ipv4Packet.PROTO_UDP,
                new byte[0],
                id,
                0,
                64,
                udpHeaderAndPayload(srcPort, dstPort, payload));
        L4Checksum.fill(whole, Ethernet.HEADER_LENGTH);
        byte[] ipPayload =
                Arrays.copyOfRange(whole, Ethernet.HEADER_LENGTH + Ipv4Packet.MIN_HEADER_LENGTH, whole.length);
        List<byte[]> fragments = new ArrayList<>();
        for (int at = 0; at < ipPayload.length; at += fragmentData) {
            int end = Math.min(at + fragmentData, ipPayload.length);
            int field = (at / 8) | (end < ipPayload.length ? MORE_FRAGMENTS : 0);
            fragments.add(ipv4(
                    dst,
                    src,
                    srcIp,
                    dstIp,
                    Ipv4Packet.PROTO_UDP,
                    new byte[0],
                    id,
                    field,
                    64,
                    Arrays.copyOfRange(ipPayload, at, end)));
        }
        return fragments;
    }

    /** The frame with an 802.1Q tag (TPID 0x8100) inserted after the source MAC. */
    public static byte[] vlanTagged(byte[] frame, int vlanId) {
        byte[] f = new byte[frame.length + 4];
        System.arraycopy(frame, 0, f, 0, Ethernet.ETHER_TYPE);
        Bytes.putU16(f, Ethernet.ETHER_TYPE, Ethernet.TYPE_VLAN);
        Bytes.putU16(f, Ethernet.ETHER_TYPE + 2, vlanId & 0x0fff);
        System.arraycopy(frame, Ethernet.ETHER_TYPE, f, Ethernet.ETHER_TYPE + 4, frame.length - Ethernet.ETHER_TYPE);
        return f;
    }

    /** An ARP reply "{@code senderIp} is at {@code senderMac}" to {@code target}. */
    public static byte[] arpReply(MacAddress senderMac, int senderIp, MacAddress targetMac, int targetIp) {
        byte[] f = new byte[Arp.FRAME_LENGTH];
        Arp.writeRequest(f, senderMac, senderIp, targetIp);
        targetMac.writeTo(f, Ethernet.DESTINATION);
        targetMac.writeTo(f, Arp.TARGET_MAC);
        Bytes.putU16(f, Arp.OFFSET + 6, Arp.OP_REPLY);
        return f;
    }

    /**
     * An Ethernet/IPv6 frame with extension headers before {@code l4}: {@code types[i]} is the
     * kind of {@code headers[i]} (its Next Header byte is filled in here), {@code protocol} that
     * of {@code l4}. L4 bytes are taken as given.
     */
    public static byte[] ipv6(
            MacAddress dst,
            MacAddress src,
            IpAddress srcIp,
            IpAddress dstIp,
            int hopLimit,
            int[] types,
            byte[][] headers,
            int protocol,
            byte[] l4) {
        int extensions = 0;
        for (byte[] h : headers) {
            extensions += h.length;
        }
        int ip = Ethernet.HEADER_LENGTH;
        byte[] f = new byte[ip + Ipv6Packet.HEADER_LENGTH + extensions + l4.length];
        dst.writeTo(f, Ethernet.DESTINATION);
        src.writeTo(f, Ethernet.SOURCE);
        Bytes.putU16(f, Ethernet.ETHER_TYPE, Ethernet.TYPE_IPV6);
        Ipv6Packet.writeHeader(
                f,
                ip,
                extensions + l4.length,
                types.length > 0 ? types[0] : protocol,
                hopLimit,
                srcIp.high(),
                srcIp.low(),
                dstIp.high(),
                dstIp.low());
        int at = ip + Ipv6Packet.HEADER_LENGTH;
        for (int i = 0; i < headers.length; i++) {
            System.arraycopy(headers[i], 0, f, at, headers[i].length);
            f[at] = (byte) (i + 1 < types.length ? types[i + 1] : protocol);
            at += headers[i].length;
        }
        System.arraycopy(l4, 0, f, at, l4.length);
        return f;
    }

    /**
     * A Hop-by-Hop, Destination Options or Routing header of {@code length} bytes (a multiple of
     * 8): Pad1 options, or for a Routing header type 0 with {@code segmentsLeft}.
     */
    public static byte[] extensionHeader(int length, int segmentsLeft) {
        byte[] h = new byte[length];
        h[1] = (byte) (length / 8 - 1);
        h[3] = (byte) segmentsLeft;
        return h;
    }

    /** A Fragment header: {@code offset} in 8-byte units, the M flag, the identification. */
    public static byte[] fragmentHeader(int offset, boolean more, int id) {
        byte[] h = new byte[8];
        Bytes.putU16(h, 2, (offset << 3) | (more ? 1 : 0));
        Bytes.putI32(h, 4, id);
        return h;
    }

    /** An IPv6 UDP datagram behind the given extension headers, its checksum complete or partial. */
    public static byte[] udpIpv6(
            MacAddress dst,
            MacAddress src,
            IpAddress srcIp,
            IpAddress dstIp,
            int srcPort,
            int dstPort,
            int[] types,
            byte[][] headers,
            byte[] payload,
            boolean partial) {
        byte[] f = ipv6(
                dst,
                src,
                srcIp,
                dstIp,
                64,
                types,
                headers,
                Ipv6Packet.PROTO_UDP,
                udpHeaderAndPayload(srcPort, dstPort, payload));
        int ip = Ethernet.HEADER_LENGTH;
        int udp = f.length - 8 - payload.length;
        if (partial) {
            L4Checksum.fillPartialIpv6(f, ip, udp, Ipv6Packet.PROTO_UDP);
        } else {
            L4Checksum.fillIpv6(f, ip, udp, Ipv6Packet.PROTO_UDP);
        }
        return f;
    }

    private static byte[] udpHeaderAndPayload(int srcPort, int dstPort, byte[] payload) {
        byte[] udp = new byte[8 + payload.length];
        Bytes.putU16(udp, 0, srcPort);
        Bytes.putU16(udp, 2, dstPort);
        Bytes.putU16(udp, 4, udp.length);
        System.arraycopy(payload, 0, udp, 8, payload.length);
        return udp;
    }
}
