package dsrlb.frame;

import dsrlb.net.MacAddress;

/** Builds Ethernet/IPv4/UDP and ARP frames for tests, the way a sending kernel would. */
public final class TestFrames {
    private TestFrames() {}

    /** A UDP datagram with a complete checksum. */
    public static byte[] udp(MacAddress dst, MacAddress src, int srcIp, int dstIp, int srcPort, int dstPort,
            byte[] payload) {
        int ipLen = 20 + 8 + payload.length;
        byte[] f = new byte[Ethernet.HEADER_LENGTH + ipLen];
        dst.writeTo(f, 0);
        src.writeTo(f, 6);
        Bytes.putU16(f, 12, Ethernet.TYPE_IPV4);
        int ip = Ethernet.HEADER_LENGTH;
        f[ip] = 0x45;
        Bytes.putU16(f, ip + 2, ipLen);
        Bytes.putU16(f, ip + 4, 0x1234);
        Bytes.putU16(f, ip + 6, 0x4000); // DF
        f[ip + 8] = 64;
        f[ip + 9] = (byte) Ipv4Packet.PROTO_UDP;
        Bytes.putI32(f, ip + 12, srcIp);
        Bytes.putI32(f, ip + 16, dstIp);
        Bytes.putU16(f, ip + 10, ipHeaderChecksum(f, ip));
        int udp = ip + 20;
        Bytes.putU16(f, udp, srcPort);
        Bytes.putU16(f, udp + 2, dstPort);
        Bytes.putU16(f, udp + 4, 8 + payload.length);
        System.arraycopy(payload, 0, f, udp + 8, payload.length);
        L4Checksum.fill(f, ip);
        return f;
    }

    /** The same datagram as veth/virtio deliver it with tx offload on: checksum left partial. */
    public static byte[] udpPartial(MacAddress dst, MacAddress src, int srcIp, int dstIp, int srcPort, int dstPort,
            byte[] payload) {
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

    static int ipHeaderChecksum(byte[] f, int ip) {
        long sum = L4Checksum.sum(f, ip, 20);
        return ~L4Checksum.fold(sum) & 0xffff;
    }
}
