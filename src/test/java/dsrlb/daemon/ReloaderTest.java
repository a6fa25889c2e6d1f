package dsrlb.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.benmanes.caffeine.cache.Ticker;
import dsrlb.balance.LoadBalancer;
import dsrlb.balance.ServiceStatus;
import dsrlb.config.ConfigParser;
import dsrlb.config.DsrConfig;
import dsrlb.dataplane.ArpResolver;
import dsrlb.dataplane.Counters;
import dsrlb.health.HealthMonitor;
import dsrlb.health.ProbeResult;
import dsrlb.net.Ipv4;
import dsrlb.net.MacAddress;
import dsrlb.status.LiveStatus;
import dsrlb.testing.MemoryPacketIo;
import dsrlb.transfer.TransferTracker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReloaderTest {
    static final MacAddress LB = MacAddress.parse("02:00:00:00:00:10");
    static final MacAddress TFTP1 = MacAddress.parse("02:00:00:00:00:30");
    static final MacAddress TFTP2 = MacAddress.parse("02:00:00:00:00:31");
    static final String SEED = """
            add ns ip 198.51.100.20 255.255.255.255 -type VIP
            add server 198.51.100.30 198.51.100.30
            add server 198.51.100.31 198.51.100.31
            add service tftp1 198.51.100.30 ANY *
            add service tftp2 198.51.100.31 ANY *
            add lb vserver tftp ANY 198.51.100.20 * -persistenceType SOURCEIP -timeout 100 -lbMethod ROUNDROBIN
            bind lb vserver tftp tftp1
            bind lb vserver tftp tftp2
            """;

    @TempDir
    Path dir;

    Path file;
    final CurrentGeneration live = new CurrentGeneration();
    final List<Generation> swapped = new ArrayList<>();
    final MemoryPacketIo io = new MemoryPacketIo(LB);
    Reloader reloader;

    Generation build(DsrConfig cfg) {
        LoadBalancer lb = new LoadBalancer(cfg, Ticker.systemTicker(), 251);
        ArpResolver resolver =
                new ArpResolver(io, lb, Ipv4.parse("198.51.100.10"), 1_000_000_000L, 35_000_000_000L, System::nanoTime);
        HealthMonitor health = new HealthMonitor(
                lb,
                cfg.monitorBindings(),
                cfg.monitors(),
                m -> view -> ProbeResult.success("fake probe", Duration.ofMillis(10)));
        return new Generation(
                cfg,
                lb,
                List.of(resolver),
                health,
                new TransferTracker(2, 3_000_000_000L),
                new LiveStatus(lb, new Counters(), health, Clock.systemUTC()),
                null);
    }

    @BeforeEach
    void setUp() throws Exception {
        file = dir.resolve("dsrlb.conf");
        Files.writeString(file, SEED);
        Generation first = build(ConfigParser.load(file));
        live.install(first);
        first.balancer().setMac(0, TFTP1);
        first.balancer().setMac(1, TFTP2);
        first.balancer().vservers().get(0).persistence().remember(Ipv4.parse("192.0.2.10"), 0);
        first.balancer().vservers().get(0).persistence().remember(Ipv4.parse("192.0.2.11"), 1);
        first.balancer().countForwarded(1, 100);
        reloader = new Reloader(file, live, this::build, swapped::add);
    }

    @AfterEach
    void tearDown() {
        live.get().close();
    }

    @Test
    void aBadConfigChangesNothingAndSaysWhere() throws Exception {
        Generation before = live.get();
        Files.writeString(file, SEED + "bind lb vserver tftp tftp9\n");
        Reloader.Outcome o = reloader.reload();
        assertFalse(o.ok());
        assertTrue(o.message().startsWith(file + ":9: "), o.message());
        assertSame(before, live.get());
        assertTrue(swapped.isEmpty());
    }

    @Test
    void aConfigThatDoesNotFitTheInterfacesServedIsRefused() throws Exception {
        Generation before = live.get();
        Reloader checked = new Reloader(
                file,
                live,
                this::build,
                swapped::add,
                c -> c.services().containsKey("tftp3") ? "service 'tftp3' lives on interface eth1" : null);
        Files.writeString(file, SEED + "add service tftp3 198.51.100.32 ANY *\n");
        Reloader.Outcome o = checked.reload();
        assertFalse(o.ok());
        assertEquals(file + ": service 'tftp3' lives on interface eth1", o.message());
        assertSame(before, live.get());
        assertTrue(swapped.isEmpty());
    }

    @Test
    void anUnsafeConfigIsRefusedAsAtStartAndTheOldOneKept() throws Exception {
        Generation before = live.get();
        Files.writeString(file, "# moved\n" + SEED);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--rw-"));
        Reloader.Outcome o = reloader.reload();
        assertFalse(o.ok());
        assertTrue(o.message().startsWith("unsafe config: " + file + " is writable by every user"), o.message());
        assertSame(before, live.get());
        assertTrue(swapped.isEmpty());
        assertFalse(reloader.lastLoad().ok());

        // Safe mode, but in a directory others may write (and not sticky): refused too.
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        o = reloader.reload();
        assertFalse(o.ok());
        assertTrue(
                o.message().contains("directory " + dir + " (above " + file + ") is writable by every user"),
                o.message());

        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        assertTrue(reloader.reload().ok(), "fixed, the same file loads");
    }

    @Test
    void unchangedServicesKeepTheirStateAndPersistedClients() throws Exception {
        // A comment moves every line: nothing changes but the locations.
        Files.writeString(file, "# moved\n" + SEED);
        Reloader.Outcome o = reloader.reload();
        assertTrue(o.ok(), o.message());
        Generation now = live.get();
        assertEquals(List.of(now), swapped);
        LoadBalancer lb = now.balancer();
        assertEquals(TFTP1, lb.serviceViews().get(0).mac());
        assertEquals(ServiceStatus.UP, lb.serviceViews().get(1).status());
        assertEquals(0, lb.vservers().get(0).persistence().lookup(Ipv4.parse("192.0.2.10")));
        assertEquals(1, lb.vservers().get(0).persistence().lookup(Ipv4.parse("192.0.2.11")));
        assertEquals(1, lb.forwardedPackets(1));
        assertTrue(o.message().contains("unchanged [tftp1, tftp2]"), o.message());
    }

    @Test
    void aRemovedServiceTakesItsClientsWithIt() throws Exception {
        Files.writeString(
                file,
                SEED.replace("bind lb vserver tftp tftp2\n", "")
                        .replace("add service tftp2 198.51.100.31 ANY *\n", ""));
        Reloader.Outcome o = reloader.reload();
        assertTrue(o.ok(), o.message());
        LoadBalancer lb = live.get().balancer();
        assertEquals(0, lb.vservers().get(0).persistence().lookup(Ipv4.parse("192.0.2.10")));
        assertEquals(-1, lb.vservers().get(0).persistence().lookup(Ipv4.parse("192.0.2.11")));
        assertTrue(o.message().contains("removed [tftp2]"), o.message());
    }

    @Test
    void aChangedServiceStartsAfreshOthersDoNot() throws Exception {
        Files.writeString(
                file, SEED.replace("add service tftp2 198.51.100.31 ANY *", "add service tftp2 198.51.100.31 UDP *"));
        Reloader.Outcome o = reloader.reload();
        assertTrue(o.ok(), o.message());
        LoadBalancer lb = live.get().balancer();
        assertNull(lb.serviceViews().get(1).mac(), "tftp2 is resolved again");
        assertEquals(TFTP1, lb.serviceViews().get(0).mac());
        assertTrue(o.message().contains("changed [tftp2]"), o.message());
    }

    @Test
    void aNewSetOfVipsNeedsARestart() throws Exception {
        Generation before = live.get();
        Files.writeString(file, SEED.replace("198.51.100.20", "198.51.100.21"));
        Reloader.Outcome o = reloader.reload();
        assertFalse(o.ok());
        assertTrue(o.message().contains("the VIPs changed"), o.message());
        assertSame(before, live.get());
    }

    @Test
    void aVipMovingToAVlanNeedsARestart() throws Exception {
        Generation before = live.get();
        Files.writeString(
                file,
                SEED + "add vlan 100\nbind vlan 100 -ifnum eth0 -tagged\n"
                        + "bind vlan 100 -IPAddress 198.51.100.10 255.255.255.0\n");
        Reloader.Outcome o = reloader.reload();
        assertFalse(o.ok());
        assertTrue(o.message().contains("a VIP moved to another VLAN; restart dsrlb"), o.message());
        assertSame(before, live.get());
    }

    @Test
    void aVlanOnAnotherInterfaceNeedsARestart() throws Exception {
        Generation before = live.get();
        Files.writeString(file, SEED + "add vlan 300\nbind vlan 300 -ifnum eth1 -tagged\n");
        Reloader.Outcome o = reloader.reload();
        assertFalse(o.ok());
        assertTrue(o.message().contains("a VLAN's -ifnum or -tagged changed"), o.message());
        assertSame(before, live.get());
    }
}
