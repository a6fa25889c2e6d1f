package dsrlb.status;

import static dsrlb.testing.FrameBuilder.frame;
import static dsrlb.testing.FrameBuilder.tftpRrq;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dsrlb.balance.LoadBalancer;
import dsrlb.balance.ServiceStatus;
import dsrlb.balance.TestConfigs;
import dsrlb.config.ConfigParser;
import dsrlb.config.MonitorBinding;
import dsrlb.config.MonitorConfig;
import dsrlb.config.SourceLocation;
import dsrlb.dataplane.DropReason;
import dsrlb.dataplane.Forwarder;
import dsrlb.frame.Arp;
import dsrlb.health.HealthMonitor;
import dsrlb.health.ProbeResult;
import dsrlb.net.IpAddress;
import dsrlb.net.Ipv4;
import dsrlb.net.MacAddress;
import dsrlb.testing.FakeTicker;
import dsrlb.testing.MemoryPacketIo;
import dsrlb.transfer.TransferTracker;
import dsrlb.web.StatusDocument;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The daemon's data source over a real load balancer and forwarder fed with frames. */
class LiveStatusTest {
    static final MacAddress LB = MacAddress.parse("02:00:00:00:00:10");
    static final MacAddress ROUTER = MacAddress.parse("02:00:00:00:00:01");
    static final MacAddress TFTP1 = MacAddress.parse("02:00:00:00:00:30");
    static final MacAddress TFTP2 = MacAddress.parse("02:00:00:00:00:31");
    static final Instant NOW = Instant.parse("2025-03-04T05:06:07Z");

    final MemoryPacketIo io = new MemoryPacketIo(LB);
    LoadBalancer lb;
    Forwarder forwarder;
    LiveStatus status;

    @BeforeEach
    void setUp() {
        lb = new LoadBalancer(TestConfigs.seed(), new FakeTicker(), 251);
        forwarder = Forwarder.following(lb, io, (f, arp, vlan) -> {});
        lb.setMac(0, TFTP1);
        lb.setMac(1, TFTP2);
        status = new LiveStatus(lb, forwarder.counters(), null, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private int send(String client, int packets) {
        byte[] f = frame().eth(ROUTER, LB)
                .ipv4(Ipv4.parse(client), TestConfigs.VIP)
                .udp(40000, 69)
                .payload(new byte[20])
                .build();
        for (int i = 0; i < packets; i++) {
            forwarder.handle(f.clone(), f.length);
        }
        return f.length;
    }

    private void arpClaim(MacAddress from) {
        byte[] garp = new byte[Arp.FRAME_LENGTH];
        Arp.writeGratuitous(garp, from, TestConfigs.VIP);
        forwarder.handle(garp, garp.length);
    }

    @Test
    void servicesCountWhatTheForwarderDid() {
        int length = send("192.0.2.1", 3);
        send("192.0.2.2", 3);
        send("192.0.2.3", 3);
        send("192.0.2.4", 3);

        List<ServiceReport> s = status.services();
        assertEquals(2, s.size());
        ServiceReport tftp1 = s.get(0);
        assertEquals("tftp1", tftp1.name());
        assertEquals("198.51.100.30", tftp1.address());
        assertEquals(-1, tftp1.port());
        assertEquals("ANY", tftp1.protocol());
        assertEquals("UP", tftp1.state());
        assertEquals(TFTP1.toString(), tftp1.mac());
        assertEquals(2, tftp1.persistedClients(), "round robin: every other client");
        assertEquals(6, tftp1.packetsForwarded());
        assertEquals(6L * length, tftp1.bytesForwarded());
        assertEquals(List.of(new ServiceReport.Binding("tftp", 1)), tftp1.bindings());
        assertEquals(List.of(), tftp1.monitors());
        assertEquals(2, s.get(1).persistedClients());

        lb.setAdminEnabled(1, false);
        ServiceReport tftp2 = status.services().get(1);
        assertEquals("OUT OF SERVICE", tftp2.state());
        assertEquals("disabled", tftp2.reason());
    }

    @Test
    void persistedClientsFollowRepicksAndMatchTheTable() {
        for (int c = 1; c <= 10; c++) {
            send("192.0.2." + c, 2);
        }
        assertEquals(List.of(5L, 5L), persisted());

        lb.setHealth(0, ServiceStatus.DOWN, "test");
        for (int c = 1; c <= 10; c++) {
            send("192.0.2." + c, 1);
        }
        assertEquals(5, status.vservers().get(0).repicks());
        assertEquals(List.of(0L, 10L), persisted(), "tftp1's clients were given tftp2");
        PersistenceReport table = status.persistence(null, 100);
        assertEquals(10, table.total());
        assertEquals(
                10,
                table.entries().stream()
                        .filter(e -> e.service().equals("tftp2"))
                        .count());
    }

    private List<Long> persisted() {
        return status.services().stream().map(ServiceReport::persistedClients).toList();
    }

    @Test
    void vserversCountNewClientsPersistenceHitsAndState() {
        send("192.0.2.1", 3);
        send("192.0.2.2", 3);
        VserverReport v = status.vservers().get(0);
        assertEquals("tftp", v.name());
        assertEquals("198.51.100.20", v.vip());
        assertEquals(-1, v.port());
        assertEquals("ROUNDROBIN", v.lbMethod());
        assertEquals("SOURCEIP", v.persistenceType());
        assertEquals(100, v.persistenceTimeoutMinutes());
        assertEquals(2, v.newClients());
        assertEquals(4, v.persistenceHits());
        assertEquals(6, v.hits());
        assertEquals(0, v.repicks());
        assertEquals(2, v.persistenceTableSize());
        assertEquals("UP", v.state());
        assertEquals(
                List.of(
                        new VserverReport.Bound("tftp1", "198.51.100.30", "ANY", -1, 1, "UP"),
                        new VserverReport.Bound("tftp2", "198.51.100.31", "ANY", -1, 1, "UP")),
                v.services());

        lb.setHealth(0, ServiceStatus.DOWN, "test");
        send("192.0.2.1", 1);
        v = status.vservers().get(0);
        assertEquals(1, v.repicks());
        assertEquals("UP", v.state(), "UP while any bound service is");
        lb.setMac(1, null);
        assertEquals("DOWN", status.vservers().get(0).state());
        assertEquals(
                List.of("DOWN", "DOWN"),
                status.vservers().get(0).services().stream()
                        .map(VserverReport.Bound::state)
                        .toList());
    }

    @Test
    void globalCountersAndTheLastHostClaimingTheVip() {
        assertNull(status.global().lastVipArpConflict());
        send("192.0.2.1", 2);
        forwarder.handle(new byte[10], 10);
        Instant before = Instant.now();
        arpClaim(TFTP1);
        arpClaim(TFTP1);
        GlobalReport g = status.global();
        assertEquals(NOW, g.time());
        assertEquals(5, g.received());
        assertEquals(2, g.forwarded());
        assertEquals(2, g.vipArpConflicts());
        assertEquals("198.51.100.20", g.lastVipArpConflict().vip());
        assertEquals(TFTP1.toString(), g.lastVipArpConflict().mac());
        assertTrue(!g.lastVipArpConflict().lastSeen().isBefore(before.minusMillis(1)), g.toString());
        assertEquals(DropReason.values().length, g.drops().size());
        assertEquals(1L, g.drops().get("truncated"));

        arpClaim(TFTP2);
        assertEquals(TFTP2.toString(), status.global().lastVipArpConflict().mac());
        assertEquals(3, status.global().vipArpConflicts());
    }

    @Test
    void persistenceIsSortedByAddressFilteredAndBounded() {
        for (String c : List.of("192.0.2.10", "200.0.0.1", "192.0.2.9", "10.0.0.1")) {
            send(c, 1);
        }
        PersistenceReport all = status.persistence(null, 100);
        assertEquals(4, all.total());
        assertEquals(
                List.of("10.0.0.1", "192.0.2.9", "192.0.2.10", "200.0.0.1"),
                all.entries().stream().map(PersistenceReport.Entry::client).toList(),
                "numeric order, addresses above 127.255.255.255 last");
        assertEquals(
                List.of("tftp"),
                all.entries().stream()
                        .map(PersistenceReport.Entry::vserver)
                        .distinct()
                        .toList());

        PersistenceReport one = status.persistence("192.0.2.9", 100);
        assertEquals(1, one.total());
        assertEquals("192.0.2.9", one.entries().get(0).client());
        assertEquals(
                status.services().get(0).persistedClients(),
                all.entries().stream().filter(e -> e.service().equals("tftp1")).count());

        PersistenceReport bounded = status.persistence(null, 3);
        assertEquals(4, bounded.total());
        assertTrue(bounded.truncated());
        assertEquals(3, bounded.entries().size());
        assertEquals(0, status.persistence("192.0.2.99", 100).total());
    }

    @Test
    void monitorsReportTheirLastProbe() throws Exception {
        SourceLocation here = new SourceLocation("test", 1);
        MonitorConfig m = new MonitorConfig(
                "pxe",
                "ARDBP32.BIN",
                Duration.ofMillis(50),
                Duration.ofMillis(20),
                1,
                1,
                Duration.ofMillis(50),
                -1,
                0,
                -1,
                null,
                here);
        try (HealthMonitor health = new HealthMonitor(
                lb,
                List.of(new MonitorBinding("tftp1", "pxe", here)),
                Map.of("pxe", m),
                c -> s -> ProbeResult.success("ARDBP32.BIN 262144 bytes", Duration.ofMillis(37)))) {
            LiveStatus withHealth = new LiveStatus(lb, forwarder.counters(), health, Clock.systemUTC());
            health.start();
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (withHealth.services().get(0).monitors().get(0).lastProbe() == null) {
                assertTrue(System.nanoTime() < deadline, "no probe within 5 s");
                Thread.sleep(5);
            }
            ServiceReport.Monitor monitor =
                    withHealth.services().get(0).monitors().get(0);
            assertEquals("pxe", monitor.name());
            assertEquals(
                    new ServiceReport.Probe(true, "ARDBP32.BIN 262144 bytes", Duration.ofMillis(37)),
                    monitor.lastProbe());
            assertEquals(List.of(), withHealth.services().get(1).monitors());
        }
    }

    @Test
    void transfersOfIpv4AndIpv6ClientsAreListedWithTheirAddresses() throws Exception {
        LoadBalancer dual = new LoadBalancer(
                ConfigParser.parse("ipv6.conf", Files.readString(Path.of("examples/ipv6.conf"))),
                new FakeTicker(),
                251);
        TransferTracker tracker = new TransferTracker(dual.services().size(), 3_000_000_000L);
        Forwarder f = Forwarder.following(dual, io, (frame, arp, vlan) -> {}, tracker);
        for (int id = 0; id < dual.services().size(); id++) {
            dual.setMac(id, MacAddress.parse("02:00:00:00:00:3" + id));
            dual.setHealth(id, ServiceStatus.UP, "t");
        }
        LiveStatus live =
                new LiveStatus(dual, f.counters(), null, Clock.fixed(NOW, ZoneOffset.UTC)).withTransfers(tracker);
        byte[] rrq6 = frame().eth(ROUTER, LB)
                .ipv6(IpAddress.parse("2001:db8:1::10"), IpAddress.parse("2001:db8:2::20"))
                .udp(40000, 69)
                .payload(tftpRrq("bootx64.efi"))
                .build();
        byte[] rrq4 = frame().eth(ROUTER, LB)
                .ipv4(Ipv4.parse("192.0.2.1"), TestConfigs.VIP)
                .udp(40000, 69)
                .payload(tftpRrq("pxelinux.0"))
                .build();
        f.handle(rrq6, rrq6.length);
        f.handle(rrq4, rrq4.length);
        tracker.sweep(System.nanoTime(), (svc, nanos) -> {});

        GlobalReport.Transfers t = live.global().transfers();
        assertEquals(2, t.started());
        assertEquals(
                List.of("192.0.2.1 pxelinux.0 tftp1", "2001:db8:1::10 bootx64.efi tftp1-6"),
                t.inProgress().stream()
                        .map(x -> x.client() + " " + x.file() + " " + x.service())
                        .sorted()
                        .toList());
        assertEquals(
                List.of("192.0.2.1", "2001:db8:1::10"),
                t.topClients().stream().map(GlobalReport.Count::key).sorted().toList());
        // The status page's JSON and its script show the address as it comes.
        String json = Json.write(StatusDocument.of(live));
        assertTrue(json.contains("\"client\":\"2001:db8:1::10\",\"service\":\"tftp1-6\""), json);
        assertTrue(json.contains("{\"key\":\"2001:db8:1::10\",\"requests\":1}"), json);

        // 3 s after its RRQ the IPv6 transfer is over and listed among the finished ones.
        tracker.sweep(System.nanoTime() + 4_000_000_000L, (svc, nanos) -> {});
        GlobalReport.Transfers after = live.global().transfers();
        assertEquals(List.of(), after.inProgress());
        assertEquals(
                List.of("192.0.2.1", "2001:db8:1::10"),
                after.recent().stream()
                        .map(GlobalReport.Transfer::client)
                        .sorted()
                        .toList());
    }
}
