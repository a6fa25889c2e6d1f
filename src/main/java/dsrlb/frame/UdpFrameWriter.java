package dsrlb.frame;

import dsrlb.net.IpAddress;
import dsrlb.net.MacAddress;

/**
 * Writes Ethernet/IPv4/UDP and Ethernet/IPv6/UDP frames with complete checksums, as a host's stack would send them:
 * the health monitor sends its DSR-path probes this way, exactly like a forwarded client packet.
 */
public final class UdpFrameWriter {
    public static final int HEADERS = Ethernet.HEADER_LENGTH + Ipv4Packet.MIN_HEADER_LENGTH + 8;
    public static final int HEADERS_IPV6 = Ethernet.HEADER_LENGTH + Ipv6Packet.HEADER_LENGTH + 8;
    private static final int HOP_LIMIT = 64;
    private static final int DONT_FRAGMENT = 0x4000;
    private static final int TTL = 64;

    private UdpFrameWriter() {}

    /**
     * Writes an Ethernet/IPv4/UDP frame with its checksums around {@code length} payload bytes.
     *
     * @param out at least {@link #HEADERS} + {@code length} bytes
     * @param ipId the IPv4 identification field (vary it per datagram)
     * @return the frame length
     */
    public static int write(
            byte[] out,
            MacAddress dst,
            MacAddress src,
            int srcIp,
            int dstIp,
            int srcPort,
            int dstPort,
            int ipId,
            byte[] payload,
            int length) {
        dst.writeTo(out, Ethernet.DESTINATION);
        src.writeTo(out, Ethernet.SOURCE);
        Bytes.putU16(out, Ethernet.ETHER_TYPE, Ethernet.TYPE_IPV4);
        int ip = Ethernet.HEADER_LENGTH;
        int ipLength = Ipv4Packet.MIN_HEADER_LENGTH + 8 + length;
        out[ip] = 0x45;
        out[ip + 1] = 0;
        Bytes.putU16(out, ip + 2, ipLength);
        Bytes.putU16(out, ip + 4, ipId);
        Bytes.putU16(out, ip + 6, DONT_FRAGMENT);
        out[ip + 8] = (byte) TTL;
        out[ip + 9] = (byte) Ipv4Packet.PROTO_UDP;
        Bytes.putU16(out, ip + 10, 0);
        Bytes.putI32(out, ip + 12, srcIp);
        Bytes.putI32(out, ip + 16, dstIp);
        Bytes.putU16(out, ip + 10, ~L4Checksum.fold(L4Checksum.sum(out, ip, Ipv4Packet.MIN_HEADER_LENGTH)) & 0xffff);
        int udp = ip + Ipv4Packet.MIN_HEADER_LENGTH;
        Bytes.putU16(out, udp, srcPort);
        Bytes.putU16(out, udp + 2, dstPort);
        Bytes.putU16(out, udp + 4, 8 + length);
        System.arraycopy(payload, 0, out, udp + 8, length);
        L4Checksum.fill(out, ip);
        return Ethernet.HEADER_LENGTH + ipLength;
    }

    /**
     * Writes an Ethernet/IPv6/UDP frame with its checksum around {@code length} payload bytes
     * (traffic class and flow label 0, hop limit 64, no extension headers).
     *
     * @param out at least {@link #HEADERS_IPV6} + {@code length} bytes
     * @return the frame length
     */
    public static int writeIpv6(
            byte[] out,
            MacAddress dst,
            MacAddress src,
            IpAddress srcIp,
            IpAddress dstIp,
            int srcPort,
            int dstPort,
            byte[] payload,
            int length) {
        dst.writeTo(out, Ethernet.DESTINATION);
        src.writeTo(out, Ethernet.SOURCE);
        Bytes.putU16(out, Ethernet.ETHER_TYPE, Ethernet.TYPE_IPV6);
        int ip = Ethernet.HEADER_LENGTH;
        Ipv6Packet.writeHeader(
                out,
                ip,
                8 + length,
                Ipv6Packet.PROTO_UDP,
                HOP_LIMIT,
                srcIp.high(),
                srcIp.low(),
                dstIp.high(),
                dstIp.low());
        int udp = ip + Ipv6Packet.HEADER_LENGTH;
        Bytes.putU16(out, udp, srcPort);
        Bytes.putU16(out, udp + 2, dstPort);
        Bytes.putU16(out, udp + 4, 8 + length);
        Bytes.putU16(out, udp + 6, 0);
        System.arraycopy(payload, 0, out, udp + 8, length);
        L4Checksum.fillIpv6(out, ip, udp, Ipv6Packet.PROTO_UDP);
        return udp + 8 + length;
    }
}
