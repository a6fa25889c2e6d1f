package dsrlb.health;

import dsrlb.dataplane.PacketIo;
import dsrlb.frame.Ethernet;
import dsrlb.frame.UdpFrameWriter;
import dsrlb.net.IpAddress;
import dsrlb.net.Ipv4;
import dsrlb.net.MacAddress;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sends a probe's datagrams to the VIP the way the forwarder sends a client's: in a frame
 * addressed to one backend's MAC, through dsrlb's own packet I/O. The backend can only
 * answer if it holds the VIP (on its loopback) and answers from it; the answer comes back
 * to the LB's own address, where the probe's socket receives it.
 */
public final class DsrPathSender {
    private static final AtomicInteger IP_ID = new AtomicInteger();

    private final PacketIo io;
    private final MacAddress backendMac;
    private final int vlan;

    public DsrPathSender(PacketIo io, MacAddress backendMac) {
        this(io, backendMac, 0);
    }

    /** Frames tagged with {@code vlan} (0: untagged), as a client's frames on the VIP's VLAN are. */
    public DsrPathSender(PacketIo io, MacAddress backendMac, int vlan) {
        this.io = io;
        this.backendMac = backendMac;
        this.vlan = vlan;
    }

    public void send(byte[] data, int length, InetSocketAddress from, InetSocketAddress to) throws IOException {
        byte[] frame;
        int n;
        int etherType;
        if (to.getAddress() instanceof Inet6Address) {
            frame = new byte[UdpFrameWriter.HEADERS_IPV6 + length];
            n = UdpFrameWriter.writeIpv6(
                    frame,
                    backendMac,
                    io.mac(),
                    IpAddress.ofIpv6(from.getAddress().getAddress(), 0),
                    IpAddress.ofIpv6(to.getAddress().getAddress(), 0),
                    from.getPort(),
                    to.getPort(),
                    data,
                    length);
            etherType = Ethernet.TYPE_IPV6;
        } else {
            frame = new byte[UdpFrameWriter.HEADERS + length];
            n = UdpFrameWriter.write(
                    frame,
                    backendMac,
                    io.mac(),
                    toInt(from),
                    toInt(to),
                    from.getPort(),
                    to.getPort(),
                    IP_ID.incrementAndGet() & 0xffff,
                    data,
                    length);
            etherType = Ethernet.TYPE_IPV4;
        }
        if (vlan != 0) {
            byte[] tagged = new byte[n + Ethernet.TAG_LENGTH];
            System.arraycopy(frame, 0, tagged, 0, Ethernet.ETHER_TYPE);
            int at = Ethernet.writeType(tagged, vlan, etherType);
            System.arraycopy(frame, Ethernet.HEADER_LENGTH, tagged, at, n - Ethernet.HEADER_LENGTH);
            frame = tagged;
            n = tagged.length;
        }
        io.send(frame, n);
    }

    private static int toInt(InetSocketAddress a) {
        return Ipv4.parse(a.getAddress().getHostAddress());
    }
}
