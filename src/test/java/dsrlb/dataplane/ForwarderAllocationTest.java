package dsrlb.dataplane;

import static dsrlb.testing.FrameBuilder.frame;
import static dsrlb.testing.FrameBuilder.tftpRrq;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.ThreadMXBean;
import dsrlb.balance.LoadBalancer;
import dsrlb.balance.TestConfigs;
import dsrlb.config.ConfigParser;
import dsrlb.config.LbMethod;
import dsrlb.config.PersistenceType;
import dsrlb.frame.Ndp;
import dsrlb.net.IpAddress;
import dsrlb.net.Ipv4;
import dsrlb.net.MacAddress;
import dsrlb.testing.DiscardingPacketIo;
import dsrlb.testing.FakeTicker;
import dsrlb.transfer.TransferTracker;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/**
 * The packet path must not allocate per packet: counted in bytes by the JVM for this thread,
 * not timed. An engine that discards what it sends stands in for the interface.
 */
class ForwarderAllocationTest {
    static final MacAddress LB = MacAddress.parse("02:00:00:00:00:10");

    @Test
    void forwardingAPersistedClientsPacketsAllocatesNothing() {
        DiscardingPacketIo io = new DiscardingPacketIo(LB);
        LoadBalancer lb = new LoadBalancer(TestConfigs.seed(), new FakeTicker(), 251);
        // Transfer tracking on, as the daemon runs: every ACK updates its client's transfer.
        TransferTracker transfers = new TransferTracker(2, 3_000_000_000L);
        Forwarder forwarder = Forwarder.following(lb, io, (f, arp, vlan) -> {}, transfers);
        lb.setMac(0, MacAddress.parse("02:00:00:00:00:30"));
        lb.setMac(1, MacAddress.parse("02:00:00:00:00:31"));

        int clients = 64;
        for (int c = 0; c < clients; c++) {
            byte[] rrq = frame().eth(MacAddress.parse("02:00:00:00:00:01"), LB)
                    .ipv4(Ipv4.parse("192.0.2.100") + c, TestConfigs.VIP)
                    .udp(40000, 69)
                    .payload(tftpRrq("ARDBP32.BIN"))
                    .build();
            forwarder.handle(rrq, rrq.length);
        }
        byte[][] acks = new byte[clients][];
        for (int c = 0; c < clients; c++) {
            acks[c] = frame().eth(MacAddress.parse("02:00:00:00:00:01"), LB)
                    .ipv4(Ipv4.parse("192.0.2.100") + c, TestConfigs.VIP)
                    .udp(40000, 50000)
                    .payload(new byte[] {0, 4, 0, 1})
                    .partialChecksum()
                    .build();
        }
        byte[] buffer = new byte[2048];
        // Warm up: every client gets persisted, the JIT compiles the path.
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

        assertEquals(1_200_064, io.sent());
        assertEquals(64, transfers.started());
        assertEquals(1_200_000, forwarder.counters().checksumsCompleted());
        // Below 1 byte per packet on average (issue 5); one object per packet would be ≥ 16 MB.
        assertTrue(allocated < packets, allocated + " bytes allocated for " + packets + " packets");
        assertTrue(allocated < 64 * 1024, allocated + " bytes allocated for " + packets + " packets");
    }

    @Test
    void taggedFramesArpAndWrongVlanDropsAllocateNothing() throws Exception {
        DiscardingPacketIo io = new DiscardingPacketIo(LB);
        LoadBalancer lb = new LoadBalancer(ConfigParser.parse("t.conf", TestConfigs.VLAN_TRUNK), new FakeTicker(), 251);
        TransferTracker transfers = new TransferTracker(2, 3_000_000_000L);
        Forwarder forwarder = Forwarder.following(lb, io, (f, arp, vlan) -> {}, transfers);
        lb.setMac(0, MacAddress.parse("02:00:00:00:00:30"));
        lb.setMac(1, MacAddress.parse("02:00:00:00:00:31"));
        MacAddress router = MacAddress.parse("02:00:00:00:00:01");
        int[][] vlans = {{100, Ipv4.parse("198.51.100.20")}, {200, Ipv4.parse("198.51.100.140")}};

        int clients = 64;
        byte[][] frames = new byte[clients + 3][];
        for (int c = 0; c < clients; c++) {
            int[] v = vlans[c % 2];
            byte[] rrq = frame().eth(router, LB)
                    .vlan(v[0])
                    .ipv4(Ipv4.parse("192.0.2.100") + c, v[1])
                    .udp(40000, 69)
                    .payload(tftpRrq("ARDBP32.BIN"))
                    .build();
            forwarder.handle(rrq, rrq.length);
            frames[c] = frame().eth(router, LB)
                    .vlan(v[0])
                    .ipv4(Ipv4.parse("192.0.2.100") + c, v[1])
                    .udp(40000, 50000)
                    .payload(new byte[] {0, 4, 0, 1})
                    .partialChecksum()
                    .build();
        }
        // An ARP request answered on its VLAN, one asked on the wrong VLAN, a frame on the wrong VLAN.
        frames[clients] = frame().eth(router, MacAddress.BROADCAST)
                .vlan(100)
                .arpRequest(Ipv4.parse("198.51.100.2"), vlans[0][1])
                .build();
        frames[clients + 1] = frame().eth(router, MacAddress.BROADCAST)
                .vlan(200)
                .arpRequest(Ipv4.parse("198.51.100.2"), vlans[0][1])
                .build();
        frames[clients + 2] = frame().eth(router, LB)
                .vlan(200)
                .ipv4(Ipv4.parse("192.0.2.1"), vlans[0][1])
                .udp(40000, 69)
                .build();
        byte[] buffer = new byte[2048];
        for (int i = 0; i < 200_000; i++) {
            byte[] f = frames[i % frames.length];
            System.arraycopy(f, 0, buffer, 0, f.length);
            forwarder.handle(buffer, f.length);
        }
        ThreadMXBean mx = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        int packets = 1_000_000;
        long forwardedBefore = forwarder.counters().forwarded();
        long arpBefore = forwarder.counters().arpRepliesSent();
        long wrongBefore = forwarder.counters().drops(DropReason.WRONG_VLAN);
        long before = mx.getThreadAllocatedBytes(tid);
        for (int i = 0; i < packets; i++) {
            byte[] f = frames[i % frames.length];
            System.arraycopy(f, 0, buffer, 0, f.length);
            forwarder.handle(buffer, f.length);
        }
        long allocated = mx.getThreadAllocatedBytes(tid) - before;

        long rounds = packets / frames.length;
        assertTrue(forwarder.counters().forwarded() - forwardedBefore >= rounds * clients);
        assertTrue(forwarder.counters().arpRepliesSent() - arpBefore >= rounds);
        assertTrue(forwarder.counters().drops(DropReason.WRONG_VLAN) - wrongBefore >= 2 * rounds);
        assertEquals(64, transfers.started());
        assertTrue(allocated < packets, allocated + " bytes allocated for " + packets + " packets");
        assertTrue(allocated < 64 * 1024, allocated + " bytes allocated for " + packets + " packets");
    }

    @Test
    void forwardingPersistedIpv6ClientsAndAnsweringSolicitationsAllocatesNothing() {
        DiscardingPacketIo io = new DiscardingPacketIo(LB);
        LoadBalancer lb = new LoadBalancer(
                TestConfigs.anyStar6(2, LbMethod.SOURCEIPHASH, PersistenceType.SOURCEIP, 100, 1_000_000),
                new FakeTicker(),
                251);
        ArpResolver resolver = new ArpResolver(
                io,
                lb,
                Ipv4.parse("198.51.100.10"),
                IpAddress.parse("2001:db8::10"),
                10_000_000_000L,
                35_000_000_000L,
                () -> 0L);
        Forwarder forwarder = Forwarder.following(lb, io, resolver);
        lb.setMac(0, MacAddress.parse("02:00:00:00:00:30"));
        lb.setMac(1, MacAddress.parse("02:00:00:00:00:31"));
        MacAddress router = MacAddress.parse("02:00:00:00:00:01");
        IpAddress vip6 = TestConfigs.VIP6;

        int clients = 64;
        byte[][] frames = new byte[clients + 2][];
        for (int c = 0; c < clients; c++) {
            // Half the clients differ in the high 64 bits, half in the low ones.
            IpAddress client = new IpAddress(0x2001_0db8_0001_0000L + (c & 1), 0x100 + c);
            byte[] rrq = frame().eth(router, LB)
                    .ipv6(client, vip6)
                    .udp(40000, 69)
                    .payload(tftpRrq("bootx64.efi"))
                    .build();
            forwarder.handle(rrq, rrq.length);
            frames[c] = frame().eth(router, LB)
                    .ipv6(client, vip6)
                    .udp(40000, 50000)
                    .payload(new byte[] {0, 4, 0, 1})
                    .partialChecksum()
                    .build();
        }
        // A solicitation for the VIP6 (answered) and a backend's advertisement (to the resolver).
        frames[clients] = frame().eth(router, MacAddress.parse("33:33:ff:00:00:20"))
                .ipv6(IpAddress.parse("2001:db8::1"), Ndp.solicitedNode(vip6))
                .neighborSolicitation(vip6)
                .build();
        frames[clients + 1] = frame().eth(MacAddress.parse("02:00:00:00:00:30"), LB)
                .ipv6(IpAddress.parse("2001:db8::30"), IpAddress.parse("2001:db8::10"))
                .neighborAdvertisement(IpAddress.parse("2001:db8::30"), Ndp.FLAG_SOLICITED | Ndp.FLAG_OVERRIDE)
                .build();
        byte[] buffer = new byte[2048];
        for (int i = 0; i < 200_000; i++) {
            byte[] f = frames[i % frames.length];
            System.arraycopy(f, 0, buffer, 0, f.length);
            forwarder.handle(buffer, f.length);
        }
        ThreadMXBean mx = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        int packets = 1_000_000;
        long forwardedBefore = forwarder.counters().forwarded();
        long answeredBefore = forwarder.counters().arpRepliesSent();
        long before = mx.getThreadAllocatedBytes(tid);
        for (int i = 0; i < packets; i++) {
            byte[] f = frames[i % frames.length];
            System.arraycopy(f, 0, buffer, 0, f.length);
            forwarder.handle(buffer, f.length);
        }
        long allocated = mx.getThreadAllocatedBytes(tid) - before;

        long rounds = packets / frames.length;
        assertTrue(forwarder.counters().forwarded() - forwardedBefore >= rounds * clients);
        assertTrue(forwarder.counters().arpRepliesSent() - answeredBefore >= rounds);
        assertEquals(64, lb.vservers().get(0).newClients(), "every ACK a persistence hit");
        assertTrue(forwarder.counters().checksumsCompleted() >= rounds * clients);
        assertTrue(allocated < packets, allocated + " bytes allocated for " + packets + " packets");
        assertTrue(allocated < 64 * 1024, allocated + " bytes allocated for " + packets + " packets");
    }

    @Test
    void taggedIpv6SolicitationsAdvertisementsAndWrongVlanDropsAllocateNothing() throws Exception {
        DiscardingPacketIo io = new DiscardingPacketIo(LB);
        LoadBalancer lb =
                new LoadBalancer(ConfigParser.parse("t.conf", TestConfigs.VLAN_TRUNK6), new FakeTicker(), 251);
        ArpResolver resolver = new ArpResolver(io, lb, 0, null, 10_000_000_000L, 35_000_000_000L, () -> 0L);
        Forwarder forwarder = Forwarder.following(lb, io, resolver);
        MacAddress tftp1 = MacAddress.parse("02:00:00:00:00:30");
        lb.setMac(0, tftp1);
        lb.setMac(1, MacAddress.parse("02:00:00:00:00:31"));
        MacAddress router = MacAddress.parse("02:00:00:00:00:01");
        IpAddress[] vips = {IpAddress.parse("2001:db8:2::20"), IpAddress.parse("2001:db8:3::20")};
        int[] tags = {100, 200};

        int clients = 64;
        byte[][] frames = new byte[clients + 3][];
        for (int c = 0; c < clients; c++) {
            IpAddress client = new IpAddress(0x2001_0db8_0001_0000L, 0x100 + c);
            byte[] rrq = frame().eth(router, LB)
                    .vlan(tags[c % 2])
                    .ipv6(client, vips[c % 2])
                    .udp(40000, 69)
                    .payload(tftpRrq("bootx64.efi"))
                    .build();
            forwarder.handle(rrq, rrq.length);
            frames[c] = frame().eth(router, LB)
                    .vlan(tags[c % 2])
                    .ipv6(client, vips[c % 2])
                    .udp(40000, 50000)
                    .payload(new byte[] {0, 4, 0, 1})
                    .partialChecksum()
                    .build();
        }
        // A solicitation answered on its VLAN, one asked on the wrong VLAN, a backend's tagged answer.
        frames[clients] = frame().eth(router, MacAddress.parse("33:33:ff:00:00:20"))
                .vlan(100)
                .ipv6(IpAddress.parse("2001:db8:2::fe"), Ndp.solicitedNode(vips[0]))
                .neighborSolicitation(vips[0])
                .build();
        frames[clients + 1] = frame().eth(router, MacAddress.parse("33:33:ff:00:00:20"))
                .vlan(200)
                .ipv6(IpAddress.parse("2001:db8:3::fe"), Ndp.solicitedNode(vips[0]))
                .neighborSolicitation(vips[0])
                .build();
        frames[clients + 2] = frame().eth(tftp1, LB)
                .vlan(100)
                .ipv6(IpAddress.parse("2001:db8:2::30"), IpAddress.parse("2001:db8:2::1"))
                .neighborAdvertisement(IpAddress.parse("2001:db8:2::30"), Ndp.FLAG_SOLICITED | Ndp.FLAG_OVERRIDE)
                .build();
        byte[] buffer = new byte[2048];
        for (int i = 0; i < 200_000; i++) {
            byte[] f = frames[i % frames.length];
            System.arraycopy(f, 0, buffer, 0, f.length);
            forwarder.handle(buffer, f.length);
        }
        ThreadMXBean mx = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        int packets = 1_000_000;
        long forwardedBefore = forwarder.counters().forwarded();
        long answeredBefore = forwarder.counters().arpRepliesSent();
        long wrongBefore = forwarder.counters().drops(DropReason.WRONG_VLAN);
        long before = mx.getThreadAllocatedBytes(tid);
        for (int i = 0; i < packets; i++) {
            byte[] f = frames[i % frames.length];
            System.arraycopy(f, 0, buffer, 0, f.length);
            forwarder.handle(buffer, f.length);
        }
        long allocated = mx.getThreadAllocatedBytes(tid) - before;

        long rounds = packets / frames.length;
        assertTrue(forwarder.counters().forwarded() - forwardedBefore >= rounds * clients);
        assertTrue(forwarder.counters().arpRepliesSent() - answeredBefore >= rounds);
        assertTrue(forwarder.counters().drops(DropReason.WRONG_VLAN) - wrongBefore >= rounds);
        assertTrue(forwarder.counters().checksumsCompleted() >= rounds * clients);
        assertEquals(tftp1, lb.state().services()[0].mac(), "the tagged answer reached the resolver");
        assertTrue(allocated < packets, allocated + " bytes allocated for " + packets + " packets");
        assertTrue(allocated < 64 * 1024, allocated + " bytes allocated for " + packets + " packets");
    }
}
