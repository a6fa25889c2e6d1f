package dsrlb.dataplane;

import static dsrlb.testing.ForwarderHarness.LB;
import static dsrlb.testing.ForwarderHarness.ROUTER;
import static dsrlb.testing.ForwarderHarness.TFTP1;
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
import dsrlb.testing.ForwarderHarness;
import dsrlb.testing.FrameBuilder;
import dsrlb.transfer.TransferTracker;
import java.lang.management.ManagementFactory;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/**
 * The packet path must not allocate per packet: counted in bytes by the JVM for this thread,
 * not timed. An engine that discards what it sends stands in for the interface.
 */
class ForwarderAllocationTest {
    static final int CLIENTS = 64;
    /** Packets handed before measuring: every client gets persisted, the JIT compiles the path. */
    static final int WARM_UP = 200_000;
    /** Packets measured. */
    static final int PACKETS = 1_000_000;

    @Test
    void forwardingAPersistedClientsPacketsAllocatesNothing() {
        DiscardingPacketIo io = new DiscardingPacketIo(LB);
        LoadBalancer lb = ForwarderHarness.balancer(TestConfigs.seed());
        // Transfer tracking on, as the daemon runs: every ACK updates its client's transfer.
        TransferTracker transfers = new TransferTracker(2, 3_000_000_000L);
        Forwarder forwarder = Forwarder.following(lb, io, (f, arp, vlan) -> {}, transfers);
        byte[][] acks = persistedClientsAcks(
                forwarder,
                CLIENTS,
                0,
                c -> frame().eth(ROUTER, LB).ipv4(Ipv4.parse("192.0.2.100") + c, TestConfigs.VIP),
                "ARDBP32.BIN");

        allocatedHandling(forwarder, acks, WARM_UP);
        long allocated = allocatedHandling(forwarder, acks, PACKETS);

        assertEquals(1_200_064, io.sent());
        assertEquals(64, transfers.started());
        assertEquals(1_200_000, forwarder.counters().checksumsCompleted());
        assertNothingAllocatedPerPacket(allocated);
    }

    @Test
    void taggedFramesArpAndWrongVlanDropsAllocateNothing() throws Exception {
        DiscardingPacketIo io = new DiscardingPacketIo(LB);
        LoadBalancer lb = ForwarderHarness.balancer(ConfigParser.parse("t.conf", TestConfigs.VLAN_TRUNK));
        TransferTracker transfers = new TransferTracker(2, 3_000_000_000L);
        Forwarder forwarder = Forwarder.following(lb, io, (f, arp, vlan) -> {}, transfers);
        int[][] vlans = {{100, Ipv4.parse("198.51.100.20")}, {200, Ipv4.parse("198.51.100.140")}};

        byte[][] frames = persistedClientsAcks(
                forwarder,
                CLIENTS,
                3,
                c -> frame().eth(ROUTER, LB).vlan(vlans[c % 2][0]).ipv4(Ipv4.parse("192.0.2.100") + c, vlans[c % 2][1]),
                "ARDBP32.BIN");
        // An ARP request answered on its VLAN, one asked on the wrong VLAN, a frame on the wrong VLAN.
        frames[CLIENTS] = frame().eth(ROUTER, MacAddress.BROADCAST)
                .vlan(100)
                .arpRequest(Ipv4.parse("198.51.100.2"), vlans[0][1])
                .build();
        frames[CLIENTS + 1] = frame().eth(ROUTER, MacAddress.BROADCAST)
                .vlan(200)
                .arpRequest(Ipv4.parse("198.51.100.2"), vlans[0][1])
                .build();
        frames[CLIENTS + 2] = frame().eth(ROUTER, LB)
                .vlan(200)
                .ipv4(Ipv4.parse("192.0.2.1"), vlans[0][1])
                .udp(40000, 69)
                .build();
        allocatedHandling(forwarder, frames, WARM_UP);
        long forwardedBefore = forwarder.counters().forwarded();
        long arpBefore = forwarder.counters().arpRepliesSent();
        long wrongBefore = forwarder.counters().drops(DropReason.WRONG_VLAN);
        long allocated = allocatedHandling(forwarder, frames, PACKETS);

        long rounds = PACKETS / frames.length;
        assertTrue(forwarder.counters().forwarded() - forwardedBefore >= rounds * CLIENTS);
        assertTrue(forwarder.counters().arpRepliesSent() - arpBefore >= rounds);
        assertTrue(forwarder.counters().drops(DropReason.WRONG_VLAN) - wrongBefore >= 2 * rounds);
        assertEquals(64, transfers.started());
        assertNothingAllocatedPerPacket(allocated);
    }

    @Test
    void forwardingPersistedIpv6ClientsAndAnsweringSolicitationsAllocatesNothing() {
        DiscardingPacketIo io = new DiscardingPacketIo(LB);
        LoadBalancer lb = ForwarderHarness.balancer(
                TestConfigs.anyStar6(2, LbMethod.SOURCEIPHASH, PersistenceType.SOURCEIP, 100, 1_000_000));
        ArpResolver resolver = new ArpResolver(
                io,
                lb,
                Ipv4.parse("198.51.100.10"),
                IpAddress.parse("2001:db8::10"),
                10_000_000_000L,
                35_000_000_000L,
                () -> 0L);
        Forwarder forwarder = Forwarder.following(lb, io, resolver);
        IpAddress vip6 = TestConfigs.VIP6;

        // Half the clients differ in the high 64 bits, half in the low ones.
        byte[][] frames = persistedClientsAcks(
                forwarder,
                CLIENTS,
                2,
                c -> frame().eth(ROUTER, LB).ipv6(new IpAddress(0x2001_0db8_0001_0000L + (c & 1), 0x100 + c), vip6),
                "bootx64.efi");
        // A solicitation for the VIP6 (answered) and a backend's advertisement (to the resolver).
        frames[CLIENTS] = frame().eth(ROUTER, MacAddress.parse("33:33:ff:00:00:20"))
                .ipv6(IpAddress.parse("2001:db8::1"), Ndp.solicitedNode(vip6))
                .neighborSolicitation(vip6)
                .build();
        frames[CLIENTS + 1] = frame().eth(TFTP1, LB)
                .ipv6(IpAddress.parse("2001:db8::30"), IpAddress.parse("2001:db8::10"))
                .neighborAdvertisement(IpAddress.parse("2001:db8::30"), Ndp.FLAG_SOLICITED | Ndp.FLAG_OVERRIDE)
                .build();
        allocatedHandling(forwarder, frames, WARM_UP);
        long forwardedBefore = forwarder.counters().forwarded();
        long answeredBefore = forwarder.counters().arpRepliesSent();
        long allocated = allocatedHandling(forwarder, frames, PACKETS);

        long rounds = PACKETS / frames.length;
        assertTrue(forwarder.counters().forwarded() - forwardedBefore >= rounds * CLIENTS);
        assertTrue(forwarder.counters().arpRepliesSent() - answeredBefore >= rounds);
        assertEquals(64, lb.vservers().get(0).newClients(), "every ACK a persistence hit");
        assertTrue(forwarder.counters().checksumsCompleted() >= rounds * CLIENTS);
        assertNothingAllocatedPerPacket(allocated);
    }

    @Test
    void taggedIpv6SolicitationsAdvertisementsAndWrongVlanDropsAllocateNothing() throws Exception {
        DiscardingPacketIo io = new DiscardingPacketIo(LB);
        LoadBalancer lb = ForwarderHarness.balancer(ConfigParser.parse("t.conf", TestConfigs.VLAN_TRUNK6));
        // Another MAC than the tagged answer's, so that only the resolver's learning can make it TFTP1.
        lb.setMac(0, MacAddress.parse("02:00:00:00:00:99"));
        ArpResolver resolver = new ArpResolver(io, lb, 0, null, 10_000_000_000L, 35_000_000_000L, () -> 0L);
        Forwarder forwarder = Forwarder.following(lb, io, resolver);
        IpAddress[] vips = {IpAddress.parse("2001:db8:2::20"), IpAddress.parse("2001:db8:3::20")};
        int[] tags = {100, 200};

        byte[][] frames = persistedClientsAcks(
                forwarder,
                CLIENTS,
                3,
                c -> frame().eth(ROUTER, LB)
                        .vlan(tags[c % 2])
                        .ipv6(new IpAddress(0x2001_0db8_0001_0000L, 0x100 + c), vips[c % 2]),
                "bootx64.efi");
        // A solicitation answered on its VLAN, one asked on the wrong VLAN, a backend's tagged answer.
        frames[CLIENTS] = frame().eth(ROUTER, MacAddress.parse("33:33:ff:00:00:20"))
                .vlan(100)
                .ipv6(IpAddress.parse("2001:db8:2::fe"), Ndp.solicitedNode(vips[0]))
                .neighborSolicitation(vips[0])
                .build();
        frames[CLIENTS + 1] = frame().eth(ROUTER, MacAddress.parse("33:33:ff:00:00:20"))
                .vlan(200)
                .ipv6(IpAddress.parse("2001:db8:3::fe"), Ndp.solicitedNode(vips[0]))
                .neighborSolicitation(vips[0])
                .build();
        frames[CLIENTS + 2] = frame().eth(TFTP1, LB)
                .vlan(100)
                .ipv6(IpAddress.parse("2001:db8:2::30"), IpAddress.parse("2001:db8:2::1"))
                .neighborAdvertisement(IpAddress.parse("2001:db8:2::30"), Ndp.FLAG_SOLICITED | Ndp.FLAG_OVERRIDE)
                .build();
        allocatedHandling(forwarder, frames, WARM_UP);
        long forwardedBefore = forwarder.counters().forwarded();
        long answeredBefore = forwarder.counters().arpRepliesSent();
        long wrongBefore = forwarder.counters().drops(DropReason.WRONG_VLAN);
        long allocated = allocatedHandling(forwarder, frames, PACKETS);

        long rounds = PACKETS / frames.length;
        assertTrue(forwarder.counters().forwarded() - forwardedBefore >= rounds * CLIENTS);
        assertTrue(forwarder.counters().arpRepliesSent() - answeredBefore >= rounds);
        assertTrue(forwarder.counters().drops(DropReason.WRONG_VLAN) - wrongBefore >= rounds);
        assertTrue(forwarder.counters().checksumsCompleted() >= rounds * CLIENTS);
        assertEquals(TFTP1, lb.state().services()[0].mac(), "the tagged answer reached the resolver");
        assertNothingAllocatedPerPacket(allocated);
    }

    /**
     * For each of {@code clients} clients, hands its RRQ to the forwarder (the client is persisted
     * from then on) and keeps its ACK, UDP checksum partial, as a client's later packets arrive:
     * {@code frames[c]} for client c; {@code extra} more slots left for the test's own frames.
     *
     * @param toVip client c's frame up to its IP header ({@code frame().eth(..).ipv4(..)})
     */
    private static byte[][] persistedClientsAcks(
            Forwarder forwarder, int clients, int extra, IntFunction<FrameBuilder> toVip, String file) {
        byte[][] frames = new byte[clients + extra][];
        for (int c = 0; c < clients; c++) {
            byte[] rrq = toVip.apply(c).udp(40000, 69).payload(tftpRrq(file)).build();
            forwarder.handle(rrq, rrq.length);
            frames[c] = toVip.apply(c)
                    .udp(40000, 50000)
                    .payload(new byte[] {0, 4, 0, 1})
                    .partialChecksum()
                    .build();
        }
        return frames;
    }

    /**
     * Hands {@code frames} round robin to the forwarder {@code packets} times through one reused
     * buffer, as the receive loop does; returns the bytes this thread allocated meanwhile.
     */
    private static long allocatedHandling(Forwarder forwarder, byte[][] frames, int packets) {
        ThreadMXBean mx = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        byte[] buffer = new byte[2048];
        long before = mx.getThreadAllocatedBytes(tid);
        for (int i = 0; i < packets; i++) {
            byte[] f = frames[i % frames.length];
            System.arraycopy(f, 0, buffer, 0, f.length);
            forwarder.handle(buffer, f.length);
        }
        return mx.getThreadAllocatedBytes(tid) - before;
    }

    /** Below 1 byte per packet on average (issue 5); one object per packet would be ≥ 16 MB. */
    private static void assertNothingAllocatedPerPacket(long allocated) {
        assertTrue(allocated < PACKETS, allocated + " bytes allocated for " + PACKETS + " packets");
        assertTrue(allocated < 64 * 1024, allocated + " bytes allocated for " + PACKETS + " packets");
    }
}
