package dsrlb.testing;

import dsrlb.frame.Arp;
import dsrlb.frame.Bytes;
import dsrlb.frame.Ethernet;
import dsrlb.frame.Icmpv6;
import dsrlb.frame.Ipv6Packet;
import dsrlb.frame.L4Checksum;
import dsrlb.frame.Ndp;
import dsrlb.frame.UdpFrameWriter;
import dsrlb.net.IpAddress;
import dsrlb.net.MacAddress;
import java.nio.charset.StandardCharsets;

/**
 * Builds the frames tests feed the packet path, one layer a call, the way a sending kernel
 * would put them on the wire (after Katran's {@code lib/testing} PacketBuilder):
 *
 * <pre>{@code
 * frame().eth(ROUTER, LB).ipv4(CLIENT, VIP).udp(40000, 69).payload(tftpRrq("pxelinux.0")).build()
 * frame().eth(ROUTER, MacAddress.BROADCAST).arpRequest(ROUTER_IP, VIP).build()
 * frame().eth(ROUTER, LB).vlan(100).ipv4(CLIENT, VIP).udp(40000, 69).build()   // 802.1Q tagged
 * frame().eth(CLIENT_MAC, LB).ipv6(CLIENT6, VIP6).udp(40000, 69).partialChecksum().build()
 * frame().eth(ROUTER, SOLICITED_MAC).ipv6(ROUTER6, Ndp.solicitedNode(VIP6)).neighborSolicitation(VIP6).build()
 * }</pre>
 */
public final class FrameBuilder {
    /** The IPv4 identification field of every built datagram; tests never vary it. */
    private static final int IP_ID = 0x1234;

    private MacAddress src;
    private MacAddress dst;
    private int srcIp;
    private int dstIp;
    private boolean ipv4;
    private int srcPort;
    private int dstPort;
    private boolean udp;
    private byte[] payload = new byte[0];
    private boolean partialChecksum;
    private boolean arpRequest;
    private int vlan = -1;
    private IpAddress srcIp6;
    private IpAddress dstIp6;
    private IpAddress ndpTarget;
    private int ndpType;
    private int ndpFlags;

    private FrameBuilder() {}

    public static FrameBuilder frame() {
        return new FrameBuilder();
    }

    /** The Ethernet header: who sends, to whom. */
    public FrameBuilder eth(MacAddress source, MacAddress destination) {
        this.src = source;
        this.dst = destination;
        return this;
    }

    /**
     * An 802.1Q tag (TPID 0x8100, priority 0) with VLAN id {@code id} after the MACs, as a trunk
     * port carries the frame; 0 makes a priority-tagged frame.
     */
    public FrameBuilder vlan(int id) {
        this.vlan = id;
        return this;
    }

    public FrameBuilder ipv4(int source, int destination) {
        this.srcIp = source;
        this.dstIp = destination;
        this.ipv4 = true;
        return this;
    }

    /** An IPv6 header (hop limit 64 for UDP, 255 for NDP; no extension headers). */
    public FrameBuilder ipv6(IpAddress source, IpAddress destination) {
        this.srcIp6 = source;
        this.dstIp6 = destination;
        return this;
    }

    /**
     * A Neighbor Solicitation for {@code target} from the {@code ipv6(..)} source, with the
     * Ethernet source as source link-layer option unless the source is :: (duplicate address
     * detection, which has none). The destinations are the caller's ({@code ipv6(..)}, {@code
     * eth(..)}): usually {@link Ndp#solicitedNode} and its 33:33:ff MAC.
     */
    public FrameBuilder neighborSolicitation(IpAddress target) {
        this.ndpTarget = target;
        this.ndpType = Icmpv6.TYPE_NEIGHBOR_SOLICITATION;
        return this;
    }

    /** A Neighbor Advertisement for {@code target} with {@code flags} ({@link Ndp#FLAG_SOLICITED}…), the Ethernet source as target link-layer option. */
    public FrameBuilder neighborAdvertisement(IpAddress target, int flags) {
        this.ndpTarget = target;
        this.ndpType = Icmpv6.TYPE_NEIGHBOR_ADVERTISEMENT;
        this.ndpFlags = flags;
        return this;
    }

    public FrameBuilder udp(int sourcePort, int destinationPort) {
        this.srcPort = sourcePort;
        this.dstPort = destinationPort;
        this.udp = true;
        return this;
    }

    public FrameBuilder payload(byte[] bytes) {
        this.payload = bytes.clone();
        return this;
    }

    /**
     * The UDP checksum left partial, as veth/virtio deliver a datagram with tx offload on
     * (only the pseudo-header sum filled in).
     */
    public FrameBuilder partialChecksum() {
        this.partialChecksum = true;
        return this;
    }

    /** An ARP request from the Ethernet source, who is {@code senderIp}, for {@code targetIp}. */
    public FrameBuilder arpRequest(int senderIp, int targetIp) {
        this.srcIp = senderIp;
        this.dstIp = targetIp;
        this.arpRequest = true;
        return this;
    }

    public byte[] build() {
        byte[] untagged = buildUntagged();
        if (vlan < 0) {
            return untagged;
        }
        // The tag goes in after the MACs; an ARP frame keeps its 60-byte minimum behind the tag.
        byte[] f = new byte[untagged.length + Ethernet.TAG_LENGTH];
        System.arraycopy(untagged, 0, f, 0, Ethernet.ETHER_TYPE);
        Bytes.putU16(f, Ethernet.ETHER_TYPE, Ethernet.TYPE_VLAN);
        Bytes.putU16(f, Ethernet.TCI, vlan);
        System.arraycopy(
                untagged, Ethernet.ETHER_TYPE, f, Ethernet.INNER_ETHER_TYPE, untagged.length - Ethernet.ETHER_TYPE);
        return f;
    }

    private byte[] buildUntagged() {
        if (src == null || dst == null) {
            throw new IllegalStateException("eth(source, destination) first");
        }
        if (arpRequest) {
            byte[] f = new byte[Arp.FRAME_LENGTH];
            Arp.writeRequest(f, src, srcIp, dstIp);
            dst.writeTo(f, Ethernet.DESTINATION);
            return f;
        }
        if (srcIp6 != null) {
            return ndpTarget != null ? buildNdp() : buildIpv6Udp();
        }
        if (!ipv4 || !udp) {
            throw new IllegalStateException("an IPv4/UDP frame needs ipv4(..) and udp(..)");
        }
        byte[] f = new byte[UdpFrameWriter.HEADERS + payload.length];
        UdpFrameWriter.write(f, dst, src, srcIp, dstIp, srcPort, dstPort, IP_ID, payload, payload.length);
        if (partialChecksum) {
            L4Checksum.fillPartial(f, Ethernet.HEADER_LENGTH);
        }
        return f;
    }

    private byte[] buildIpv6Udp() {
        if (!udp) {
            throw new IllegalStateException("an IPv6 frame needs udp(..) or an NDP message");
        }
        byte[] f = new byte[UdpFrameWriter.HEADERS_IPV6 + payload.length];
        UdpFrameWriter.writeIpv6(f, dst, src, srcIp6, dstIp6, srcPort, dstPort, payload, payload.length);
        if (partialChecksum) {
            int ip = Ethernet.HEADER_LENGTH;
            L4Checksum.fillPartialIpv6(f, ip, ip + Ipv6Packet.HEADER_LENGTH, Ipv6Packet.PROTO_UDP);
        }
        return f;
    }

    private byte[] buildNdp() {
        boolean withOption = !(srcIp6.high() == 0 && srcIp6.low() == 0);
        int icmpLength = Ndp.MESSAGE_LENGTH + (withOption ? Ndp.LINK_ADDRESS_OPTION_LENGTH : 0);
        int ip = Ethernet.HEADER_LENGTH;
        int icmp = ip + Ipv6Packet.HEADER_LENGTH;
        byte[] f = new byte[icmp + icmpLength];
        dst.writeTo(f, Ethernet.DESTINATION);
        src.writeTo(f, Ethernet.SOURCE);
        Bytes.putU16(f, Ethernet.ETHER_TYPE, Ethernet.TYPE_IPV6);
        f[ip] = 0x60;
        Bytes.putU16(f, ip + Ipv6Packet.PAYLOAD_LENGTH, icmpLength);
        f[ip + Ipv6Packet.NEXT_HEADER] = (byte) Ipv6Packet.PROTO_ICMPV6;
        f[ip + Ipv6Packet.HOP_LIMIT] = (byte) 255;
        putAddress(f, ip + Ipv6Packet.SOURCE, srcIp6);
        putAddress(f, ip + Ipv6Packet.DESTINATION, dstIp6);
        f[icmp] = (byte) ndpType;
        f[icmp + Ndp.FLAGS] = (byte) ndpFlags;
        putAddress(f, icmp + Ndp.TARGET, ndpTarget);
        if (withOption) {
            f[icmp + Ndp.OPTIONS] = (byte)
                    (ndpType == Icmpv6.TYPE_NEIGHBOR_SOLICITATION
                            ? Ndp.OPTION_SOURCE_LINK_ADDRESS
                            : Ndp.OPTION_TARGET_LINK_ADDRESS);
            f[icmp + Ndp.OPTIONS + 1] = 1;
            src.writeTo(f, icmp + Ndp.OPTIONS + 2);
        }
        Icmpv6.fill(f, ip, icmp, icmpLength);
        return f;
    }

    /** The 16 bytes of {@code a} as an IPv6 header holds them (an IPv4 address in its mapped form). */
    private static void putAddress(byte[] f, int offset, IpAddress a) {
        IpAddress.writeLong(f, offset, a.high());
        IpAddress.writeLong(f, offset + 8, a.low());
    }

    /** A TFTP read request (RFC 1350) for {@code file} in octet mode: a UDP payload. */
    public static byte[] tftpRrq(String file) {
        byte[] name = file.getBytes(StandardCharsets.US_ASCII);
        byte[] mode = "octet".getBytes(StandardCharsets.US_ASCII);
        byte[] p = new byte[2 + name.length + 1 + mode.length + 1];
        p[1] = 1;
        System.arraycopy(name, 0, p, 2, name.length);
        System.arraycopy(mode, 0, p, 3 + name.length, mode.length);
        return p;
    }
}
