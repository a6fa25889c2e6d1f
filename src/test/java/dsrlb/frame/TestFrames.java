package dsrlb.frame;

import dsrlb.net.MacAddress;

/** Builds Ethernet/IPv4/UDP and ARP frames for tests, the way a sending kernel would. */
public final class TestFrames {
    private TestFrames() {}

    /** A UDP datagram with a complete checksum. */
    public static byte[] udp(
            MacAddress dst, MacAddress src, int srcIp, int dstIp, int srcPort, int dstPort, byte[] payload) {
        byte[] f = new byte[UdpFrameWriter.HEADERS + payload.length];
        UdpFrameWriter.write(f, dst, src, srcIp, dstIp, srcPort, dstPort, 0x1234, payload, payload.length);
        return f;
    }

    /** The same datagram as veth/virtio deliver it with tx offload on: checksum left partial. */
    public static byte[] udpPartial(
            MacAddress dst, MacAddress src, int srcIp, int dstIp, int srcPort, int dstPort, byte[] payload) {
        byte[] f = udp(dst, src, srcIp, dstIp, srcPort, dstPort, payload);
        L4Checksum.fillPartial(f, Ethernet.HEADER_LENGTH);
        return f;
    }

    public static byte[] arpRequest(MacAddress src, int senderIp, int targetIp) {
        byte[] f = new byte[Arp.FRAME_LENGTH];
        Arp.writeRequest(f, src, senderIp, targetIp);
        return f;
    }

    /** A TFTP read request (RFC 1350) for {@code file} in octet mode. */
    public static byte[] tftpRrq(String file) {
        byte[] name = file.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] mode = "octet".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] p = new byte[2 + name.length + 1 + mode.length + 1];
        p[1] = 1;
        System.arraycopy(name, 0, p, 2, name.length);
        System.arraycopy(mode, 0, p, 3 + name.length, mode.length);
        return p;
    }
}
