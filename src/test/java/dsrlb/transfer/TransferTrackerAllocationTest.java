package dsrlb.transfer;

import static dsrlb.testing.FrameBuilder.frame;
import static dsrlb.testing.FrameBuilder.tftpRrq;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.ThreadMXBean;
import dsrlb.balance.LoadBalancer;
import dsrlb.balance.TestConfigs;
import dsrlb.config.ConfigParser;
import dsrlb.dataplane.Forwarder;
import dsrlb.net.IpAddress;
import dsrlb.net.Ipv4;
import dsrlb.net.MacAddress;
import dsrlb.testing.DiscardingPacketIo;
import dsrlb.testing.FakeTicker;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The transfer table follows IPv6 clients on the receive thread without allocating: the
 * forwarder over examples/ipv6.conf, IPv4 and IPv6 clients' ACKs interleaved, counted in bytes
 * by the JVM for this thread as in ForwarderAllocationTest (whose IPv4 cases run with the
 * tracker too), not timed.
 */
class TransferTrackerAllocationTest {
    static final MacAddress LB = MacAddress.parse("02:00:00:00:00:10");
    static final MacAddress ROUTER = MacAddress.parse("02:00:00:00:00:01");

    /** Counts what it sends and keeps nothing (ForwarderAllocationTest's, which is its package's own). */
    @Test
    void followingIpv4AndIpv6ClientsTransfersAllocatesNothing() throws Exception {
        DiscardingPacketIo io = new DiscardingPacketIo(LB);
        LoadBalancer lb = new LoadBalancer(
                ConfigParser.parse("ipv6.conf", Files.readString(Path.of("examples/ipv6.conf"))),
                new FakeTicker(),
                251);
        TransferTracker transfers = new TransferTracker(lb.services().size(), 3_000_000_000L);
        Forwarder forwarder = Forwarder.following(lb, io, (f, arp, vlan) -> {}, transfers);
        for (int id = 0; id < lb.services().size(); id++) {
            lb.setMac(id, MacAddress.parse("02:00:00:00:00:3" + id));
        }
        IpAddress vip6 = IpAddress.parse("2001:db8:2::20");

        int clients = 64;
        byte[][] acks = new byte[clients][];
        for (int c = 0; c < clients; c++) {
            byte[] rrq;
            if (c % 4 == 3) {
                int client = Ipv4.parse("192.0.2.100") + c;
                rrq = frame().eth(ROUTER, LB)
                        .ipv4(client, TestConfigs.VIP)
                        .udp(40000, 69)
                        .payload(tftpRrq("pxelinux.0"))
                        .build();
                acks[c] = frame().eth(ROUTER, LB)
                        .ipv4(client, TestConfigs.VIP)
                        .udp(40000, 50000)
                        .payload(new byte[] {0, 4, 0, 1})
                        .partialChecksum()
                        .build();
            } else {
                // IPv6 clients in two /64s with the same interface ids: they differ in either word.
                IpAddress client = new IpAddress(0x2001_0db8_0001_0000L + (c & 1), 0x100 + c / 2);
                rrq = frame().eth(ROUTER, LB)
                        .ipv6(client, vip6)
                        .udp(40000, 69)
                        .payload(tftpRrq("bootx64.efi"))
                        .partialChecksum()
                        .build();
                acks[c] = frame().eth(ROUTER, LB)
                        .ipv6(client, vip6)
                        .udp(40000, 50000)
                        .payload(new byte[] {0, 4, 0, 1})
                        .partialChecksum()
                        .build();
            }
            forwarder.handle(rrq, rrq.length);
        }
        assertEquals(64, transfers.started());
        assertEquals(16, transfers.active(0) + transfers.active(1), "the IPv4 clients");
        assertEquals(48, transfers.active(2) + transfers.active(3), "the IPv6 clients");
        byte[] buffer = new byte[2048];
        for (int i = 0; i < 200_000; i++) {
            byte[] f = acks[i % clients];
            System.arraycopy(f, 0, buffer, 0, f.length);
            forwarder.handle(buffer, f.length);
        }
        ThreadMXBean mx = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        int packets = 1_000_000;
        long before = mx.getThreadAllocatedBytes(tid);
        for (int i = 0; i < packets; i++) {
            byte[] f = acks[i % clients];
            System.arraycopy(f, 0, buffer, 0, f.length);
            forwarder.handle(buffer, f.length);
        }
        long allocated = mx.getThreadAllocatedBytes(tid) - before;
        // Each ACK found its client's transfer: a sweep just after sees all 64 still running.
        transfers.sweep(System.nanoTime(), (svc, nanos) -> {});

        assertEquals(1_200_064, io.sent());
        assertEquals(64, transfers.started(), "ACKs start nothing");
        assertEquals(64, transfers.inProgress(System.nanoTime(), 100).size());
        assertEquals(1_200_048, forwarder.counters().checksumsCompleted(), "every ACK, and the IPv6 RRQs");
        // One object per packet would be ≥ 16 MB.
        assertTrue(allocated < 64 * 1024, allocated + " bytes allocated for " + packets + " packets");
    }
}
