package dsrlb.health;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dsrlb.frame.Bytes;
import dsrlb.frame.Ethernet;
import dsrlb.frame.L4Checksum;
import dsrlb.net.MacAddress;
import dsrlb.testing.MemoryPacketIo;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The monitor's DSR-path frames: what a client's packet forwarded by dsrlb would be, on the VIP's VLAN too. */
class DsrPathSenderTest {
    static final MacAddress LB = MacAddress.parse("02:00:00:00:00:10");
    static final MacAddress BACKEND = MacAddress.parse("02:00:00:00:00:30");

    @Test
    void aVlanServicesProbeFramesCarryTheTagAndTheSameDatagram() throws Exception {
        MemoryPacketIo io = new MemoryPacketIo(LB);
        InetSocketAddress from = new InetSocketAddress(InetAddress.getByName("198.51.100.10"), 40000);
        InetSocketAddress to = new InetSocketAddress(InetAddress.getByName("198.51.100.20"), 69);
        byte[] rrq = {0, 1, 'a', 0, 'o', 'c', 't', 'e', 't', 0};
        new DsrPathSender(io, BACKEND).send(rrq, rrq.length, from, to);
        new DsrPathSender(io, BACKEND, 100).send(rrq, rrq.length, from, to);
        byte[] plain = io.sent().get(0);
        byte[] tagged = io.sent().get(1);

        assertEquals(plain.length + Ethernet.TAG_LENGTH, tagged.length);
        assertArrayEquals(Arrays.copyOf(plain, Ethernet.ETHER_TYPE), Arrays.copyOf(tagged, Ethernet.ETHER_TYPE));
        assertEquals(Ethernet.TYPE_VLAN, Ethernet.etherType(tagged));
        assertEquals(100, Ethernet.vlanId(tagged));
        assertEquals(Ethernet.TYPE_IPV4, Bytes.u16(tagged, Ethernet.INNER_ETHER_TYPE));
        assertTrue(L4Checksum.isValid(tagged, Ethernet.TAGGED_HEADER_LENGTH), "UDP checksum behind the tag");
        // The same datagram but for the IP identification (and so the header checksum), which varies per frame.
        byte[] a = Arrays.copyOfRange(plain, Ethernet.HEADER_LENGTH, plain.length);
        byte[] b = Arrays.copyOfRange(tagged, Ethernet.TAGGED_HEADER_LENGTH, tagged.length);
        for (int i : new int[] {4, 5, 10, 11}) {
            a[i] = 0;
            b[i] = 0;
        }
        assertArrayEquals(a, b);
    }

    @Test
    void anIpv6VlanServicesProbeFramesCarryTheTagAndTheSameDatagram() throws Exception {
        MemoryPacketIo io = new MemoryPacketIo(LB);
        InetSocketAddress from = new InetSocketAddress(InetAddress.getByName("2001:db8:3::1"), 40000);
        InetSocketAddress to = new InetSocketAddress(InetAddress.getByName("2001:db8:3::20"), 69);
        byte[] rrq = {0, 1, 'a', 0, 'o', 'c', 't', 'e', 't', 0};
        new DsrPathSender(io, BACKEND).send(rrq, rrq.length, from, to);
        new DsrPathSender(io, BACKEND, 200).send(rrq, rrq.length, from, to);
        byte[] plain = io.sent().get(0);
        byte[] tagged = io.sent().get(1);

        assertEquals(plain.length + Ethernet.TAG_LENGTH, tagged.length);
        assertArrayEquals(Arrays.copyOf(plain, Ethernet.ETHER_TYPE), Arrays.copyOf(tagged, Ethernet.ETHER_TYPE));
        assertEquals(Ethernet.TYPE_VLAN, Ethernet.etherType(tagged));
        assertEquals(200, Ethernet.vlanId(tagged));
        assertEquals(Ethernet.TYPE_IPV6, Bytes.u16(tagged, Ethernet.INNER_ETHER_TYPE));
        // IPv6 has no identification to vary: the datagram behind the tag is the untagged one, byte for byte.
        assertArrayEquals(
                Arrays.copyOfRange(plain, Ethernet.HEADER_LENGTH, plain.length),
                Arrays.copyOfRange(tagged, Ethernet.TAGGED_HEADER_LENGTH, tagged.length));
    }
}
