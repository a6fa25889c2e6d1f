package dsrlb.frame;

import static dsrlb.testing.FrameBuilder.frame;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.ThreadMXBean;
import dsrlb.net.IpAddress;
import dsrlb.net.MacAddress;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/**
 * What the receive thread will call per IPv6 packet allocates nothing: the walk, checksum
 * completion, NDP validation and the answer. Counted in bytes by the JVM for this thread, as
 * in ForwarderAllocationTest, not timed.
 */
class Ipv6AllocationTest {
    private static final MacAddress ROUTER = MacAddress.parse("02:00:00:00:00:01");
    private static final MacAddress LB = MacAddress.parse("02:00:00:00:00:10");
    private static final IpAddress CLIENT = IpAddress.parse("2001:db8:1::10");
    private static final IpAddress ROUTER6 = IpAddress.parse("2001:db8:2::1");
    private static final IpAddress VIP6 = IpAddress.parse("2001:db8:2::20");
    private static final int IP = Ethernet.HEADER_LENGTH;

    @Test
    void parsingCompletingAndAnsweringAllocateNothing() {
        byte[] ack = frame().eth(ROUTER, LB)
                .ipv6(CLIENT, VIP6)
                .udp(40000, 50000)
                .payload(new byte[] {0, 4, 0, 1})
                .partialChecksum()
                .build();
        byte[] ns = frame().eth(ROUTER, MacAddress.parse("33:33:ff:00:00:20"))
                .ipv6(ROUTER6, Ndp.solicitedNode(VIP6))
                .neighborSolicitation(VIP6)
                .build();
        byte[] buffer = new byte[2048];
        byte[] out = new byte[Ndp.TAGGED_FRAME_LENGTH];
        int[] upper = new int[Ipv6Packet.UPPER_LAYER_SLOTS];
        long[] counts = new long[3];
        Runnable round = () -> {
            System.arraycopy(ack, 0, buffer, 0, ack.length);
            if (Ipv6Packet.validate(buffer, IP, ack.length) == Ipv6Packet.OK
                    && Ipv6Packet.upperLayer(buffer, IP, upper) == Ipv6Packet.OK
                    && Ipv6Packet.destinationPort(buffer, IP, upper) == 50000
                    && L4Checksum.completeIfPartialIpv6(buffer, IP, upper) == L4Checksum.COMPLETED) {
                counts[0]++;
            }
            if (Ipv6Packet.validate(ns, IP, ns.length) == Ipv6Packet.OK
                    && Ipv6Packet.upperLayer(ns, IP, upper) == Ipv6Packet.OK
                    && Ndp.validateSolicitation(ns, IP, upper[Ipv6Packet.UL_OFFSET]) == Ndp.OK
                    && Ndp.targetLow(ns, upper[Ipv6Packet.UL_OFFSET]) == VIP6.low()) {
                int n = Ndp.writeAdvertisement(ns, IP, upper[Ipv6Packet.UL_OFFSET], out, 100, LB);
                if (n == Ndp.TAGGED_FRAME_LENGTH) {
                    counts[1]++;
                }
            }
            if (Ndp.writeSolicitation(out, 0, LB, ROUTER6, CLIENT) == Ndp.FRAME_LENGTH
                    && Ndp.validateAdvertisement(out, IP, IP + 40) == Ndp.WRONG_TYPE) {
                counts[2]++;
            }
        };
        for (int i = 0; i < 200_000; i++) {
            round.run();
        }
        ThreadMXBean mx = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        int rounds = 1_000_000;
        long before = mx.getThreadAllocatedBytes(tid);
        for (int i = 0; i < rounds; i++) {
            round.run();
        }
        long allocated = mx.getThreadAllocatedBytes(tid) - before;

        assertEquals(1_200_000, counts[0]);
        assertEquals(1_200_000, counts[1]);
        assertEquals(1_200_000, counts[2]);
        assertTrue(allocated < 64 * 1024, allocated + " bytes allocated for " + rounds + " rounds");
    }
}
