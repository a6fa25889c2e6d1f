package dsrlb.testing;

import dsrlb.frame.Arp;
import dsrlb.frame.Bytes;
import dsrlb.frame.Ethernet;
import dsrlb.frame.L4Checksum;
import dsrlb.frame.UdpFrameWriter;
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
