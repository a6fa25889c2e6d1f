package dsrlb.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dsrlb.control.ResponseReader;
import dsrlb.status.GlobalReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The kernel fast path as the default must survive what happens on real boxes: a dsrlb killed
 * with SIGKILL, `nft flush ruleset` in the middle of a boot storm, a table of another owner
 * under our name, and a service unit without CAP_NET_ADMIN.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KernelPathIT {
    static final Path SEED = Lab.BASEDIR.resolve("examples/seed.conf");
    /** What the old packaged unit granted: CAP_NET_RAW only, for root too (setpriv drops the rest). */
    static final List<String> NET_RAW_ONLY =
            List.of("setpriv", "--bounding-set", "-all,+net_raw", "--inh-caps", "-all,+net_raw");

    Path tmp;
    Path socket;
    String table;
    DsrlbProcess dsrlb;

    @BeforeAll
    void startLab() throws IOException {
        Lab.requireNamespaces();
        Lab.down();
        Lab.up();
        tmp = Files.createTempDirectory("dsrlb-kernel-path-it");
        socket = tmp.resolve("dsrlb.sock");
        String ifindex = Lab.check(Lab.inNamespace(Lab.LB_NS, 10, "cat", "/sys/class/net/eth0/ifindex"), "ifindex")
                .out()
                .strip();
        table = "dsrlb_" + ifindex;
    }

    @AfterAll
    void stopLab() {
        if (dsrlb != null) {
            dsrlb.close();
        }
        Lab.down();
    }

    @AfterEach
    void stopDsrlb() {
        if (dsrlb != null && !dsrlb.isAlive()) {
            dsrlb.close();
            dsrlb = null;
        }
    }

    private List<String> tables() {
        Lab.Result r = Lab.check(Lab.inNamespace(Lab.LB_NS, 10, "nft", "list", "tables"), "nft list tables");
        return Arrays.stream(r.out().split("\n"))
                .map(String::strip)
                .filter(l -> !l.isEmpty())
                .toList();
    }

    private long ourTables() {
        return tables().stream()
                .filter(t -> t.startsWith("table netdev dsrlb_"))
                .count();
    }

    private long ourVeths() {
        Lab.Result r = Lab.check(Lab.inNamespace(Lab.LB_NS, 10, "ip", "-o", "link", "show"), "ip link");
        return Arrays.stream(r.out().split("\n"))
                .filter(l -> l.matches("\\d+: dsrlbm\\d+@.*"))
                .count();
    }

    private void downloadIntact(String source, String file) throws IOException {
        Path out = tmp.resolve(source + "-" + file + "-" + System.nanoTime());
        Lab.Result r = TftpClient.CURL.download(Lab.VIP, file, out, source, 30);
        assertTrue(r.ok(), r.toString());
        assertEquals(Lab.sha256(Lab.served(file)), Lab.sha256(out), "file through the VIP from " + source);
    }

    private Lab.Result runUntilExit(List<String> wrapper, String... args) {
        List<String> cmd = new ArrayList<>(wrapper);
        cmd.addAll(List.of(
                "java",
                "-jar",
                Lab.JAR.toString(),
                "run",
                "--config",
                SEED.toString(),
                "--control-socket",
                tmp.resolve("refused.sock").toString()));
        cmd.addAll(List.of(args));
        return Lab.inNamespace(Lab.LB_NS, 60, cmd.toArray(String[]::new));
    }

    /** The first VIP's kernel map as nft prints it. */
    private String kernelMap() {
        return Lab.inNamespace(Lab.LB_NS, 10, "nft", "list", "map", "netdev", table, "client_0")
                .out();
    }

    /** Elements in the kernel map of the first VIP, read with nft (no JVM start, so it can be asked often). */
    private long clientsInKernel() {
        Lab.Result r = Lab.inNamespace(Lab.LB_NS, 10, "nft", "list", "map", "netdev", table, "client_0");
        // One " : " per element ("192.0.2.41 expires 1h39m : 02:…"), one in the map's type line.
        return Math.max(0, r.out().split(" : ", -1).length - 2);
    }

    private GlobalReport stat() throws Exception {
        return ResponseReader.of(Lab.cli(socket, "stat", "lb", "vserver")).global();
    }

    @Test
    @Order(1)
    void aTableOfAnotherOwnerUnderOurNameIsAnErrorAndIsLeftAlone() {
        Lab.check(Lab.inNamespace(Lab.LB_NS, 10, "nft", "add", "table", "netdev", table), "nft add table");
        try {
            Lab.Result r = runUntilExit(List.of());
            // 4: this host cannot run it as asked; the packaged unit does not restart it.
            assertEquals(4, r.exit(), r.toString());
            assertTrue(r.err().contains("nftables table netdev " + table + " exists and is not dsrlb's"), r.toString());
            assertEquals(List.of("table netdev " + table), tables(), "the other owner's table is untouched");
            assertEquals(0, ourVeths());
        } finally {
            Lab.inNamespace(Lab.LB_NS, 10, "nft", "delete", "table", "netdev", table);
        }
    }

    @Test
    @Order(2)
    void anExplicitOffloadWithoutCapNetAdminIsAnErrorThatSaysWhy() {
        Lab.Result r = runUntilExit(NET_RAW_ONLY, "--engine", "offload");
        assertEquals(4, r.exit(), r.toString());
        assertTrue(r.err().contains("dsrlb run: --engine offload: no CAP_NET_ADMIN"), r.toString());
        assertEquals(0, ourTables());
    }

    @Test
    @Order(3)
    void withoutCapNetAdminAutoFallsBackToUserSpaceSaysWhyAndServes() throws Exception {
        dsrlb = DsrlbProcess.startWrapped(Lab.LB_NS, NET_RAW_ONLY, SEED, "--control-socket", socket.toString());
        try {
            String log = dsrlb.log();
            assertTrue(log.contains("engine auto: offload skipped: no CAP_NET_ADMIN"), log);
            assertTrue(log.contains("engine native (chosen by --engine auto)"), log);
            assertEquals(0, ourTables());
            downloadIntact("192.0.2.40", "k64.bin");
            assertEquals("native", stat().engine());
            assertEquals(null, stat().kernelPath(), "a user-space engine has no kernel path to report");
        } finally {
            dsrlb.stop();
        }
    }

    @Test
    @Order(4)
    void killedWithSigkillItsTableIsReplacedOnceByTheNextStart() throws Exception {
        dsrlb = DsrlbProcess.start(SEED, "--control-socket", socket.toString());
        downloadIntact("192.0.2.41", "k64.bin");
        long pid = dsrlb.pid();
        dsrlb.kill();
        dsrlb.close();
        assertEquals(1, ourTables(), "SIGKILL leaves the table: " + tables());
        Files.deleteIfExists(socket);
        dsrlb = DsrlbProcess.start(SEED, "--control-socket", socket.toString());
        String log = dsrlb.log();
        assertTrue(log.contains("replacing table netdev " + table + " and veth dsrlbm"), log);
        assertTrue(log.contains("left by dsrlb pid " + pid + ", which is no longer running"), log);
        assertTrue(log.contains("engine offload (chosen by --engine auto)"), log);
        assertEquals(1, ourTables(), tables().toString());
        assertEquals(1, ourVeths());
        downloadIntact("192.0.2.41", "k64.bin");
        downloadIntact("192.0.2.42", "k64.bin");
    }

    @Test
    @Order(5)
    void aRulesetFlushedMidStormCostsNoClientAndTheTableComesBack() throws Exception {
        assertTrue(dsrlb != null && dsrlb.isAlive(), "runs on from the SIGKILL test");
        String sha = Lab.sha256(Lab.served("ARDBP32.BIN"));
        AtomicReference<Lab.Result> storm = new AtomicReference<>();
        Thread clients = new Thread(() -> storm.set(StormIT.storm(Lab.VIP, "--expect-sha256", sha, "--json")));
        clients.start();
        // The flush comes once the kernel carries the first clients: the storm lasts about two seconds.
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() < deadline && clientsInKernel() < 10) {
            Thread.sleep(20);
        }
        assertTrue(clients.isAlive(), "the flush must come while the storm runs");
        Lab.check(Lab.inNamespace(Lab.LB_NS, 10, "nft", "flush", "ruleset"), "nft flush ruleset");
        long flushedAt = System.nanoTime();
        while (ourTables() == 0 && System.nanoTime() - flushedAt < 5_000_000_000L) {
            Thread.sleep(50);
        }
        assertEquals(1, ourTables(), "dsrlb puts its table back within seconds: " + tables());
        clients.join(200_000);
        Lab.Result r = storm.get();
        assertTrue(r != null && r.exit() == 0, String.valueOf(r));
        String head = r.out().substring(0, r.out().indexOf("\"results\""));
        System.out.println("storm across `nft flush ruleset`: " + head.replace('\n', ' '));
        assertEquals(String.valueOf(StormIT.CLIENTS), StormIT.field(head, "completed"), head);
        assertEquals("0", StormIT.field(head, "failed"), head);
        for (String c : StormIT.results(r.out())) {
            assertEquals("\"" + sha + "\"", StormIT.field(c, "sha256"), c);
        }
        String log = dsrlb.log();
        assertTrue(log.contains("offload: table netdev " + table + " was removed from outside dsrlb"), log);
        assertTrue(log.contains("offload: table netdev " + table + " is back with "), log);
        Thread.sleep(2_200); // the kernel's counters are read back every second
        GlobalReport g = stat();
        assertTrue(g.kernelPath().tableRestores() >= 1, g.toString());
        assertTrue(g.kernelPath().packets() > 1_000, "the kernel forwards again after the restore: " + g);
        downloadIntact("192.0.2.43", "k64.bin");
    }

    @Test
    @Order(6)
    void aReloadKeepsTheKernelClientsOfServicesThatStay() throws Exception {
        assertTrue(dsrlb != null && dsrlb.isAlive(), "runs on from the earlier tests");
        downloadIntact("192.0.2.44", "k64.bin");
        assertTrue(kernelMap().contains("192.0.2.44 "), kernelMap());
        Lab.check(
                Lab.runQuietly(30, "java", "-jar", Lab.JAR.toString(), "reload", "--control-socket", socket.toString()),
                "dsrlb reload");
        Thread.sleep(500);
        assertTrue(dsrlb.log().contains("offload: reload keeps "), dsrlb.log());
        assertTrue(kernelMap().contains("192.0.2.44 "), "still in the kernel after the reload: " + kernelMap());
        downloadIntact("192.0.2.44", "k64.bin");
    }

    @Test
    @Order(7)
    void aCleanStopRemovesTheTableAndTheVethAndNothingOfOtherOwners() {
        assertTrue(dsrlb != null && dsrlb.isAlive(), "runs on from the earlier tests");
        Lab.check(Lab.inNamespace(Lab.LB_NS, 10, "nft", "add", "table", "inet", "other_owner"), "nft add table");
        try {
            String log = dsrlb.stop();
            assertTrue(log.contains("offload: kernel forwarded "), log);
            assertEquals(0, ourTables(), tables().toString());
            assertEquals(0, ourVeths());
            assertEquals(List.of("table inet other_owner"), tables());
        } finally {
            Lab.inNamespace(Lab.LB_NS, 10, "nft", "delete", "table", "inet", "other_owner");
        }
    }

    /**
     * A map smaller than the storm: the clients it has no room for are served from user space,
     * and counted. SOURCEIPHASH, so that a client whose persistence entry the bounded table
     * evicted still goes to the same backend.
     */
    @Test
    @Order(8)
    void aFullMapLeavesTheRestInUserSpaceAndEveryClientIsServed() throws Exception {
        Path config = tmp.resolve("small-map.conf");
        Files.writeString(
                config,
                Files.readString(Lab.BASEDIR.resolve("examples/ha.conf"))
                        .replace("-lbMethod SOURCEIPHASH", "-lbMethod SOURCEIPHASH -persistenceMaxEntries 5"));
        assertTrue(Files.readString(config).contains("-persistenceMaxEntries 5"), "the vserver line changed");
        Files.deleteIfExists(socket);
        dsrlb = DsrlbProcess.start(config, "--control-socket", socket.toString());
        try {
            String sha = Lab.sha256(Lab.served("ARDBP32.BIN"));
            Lab.Result r = StormIT.storm(Lab.VIP, "192.0.2.32-192.0.2.51", 60, "--expect-sha256", sha, "--json");
            assertEquals(0, r.exit(), r.toString());
            String head = r.out().substring(0, r.out().indexOf("\"results\""));
            assertEquals("20", StormIT.field(head, "completed"), head);
            Thread.sleep(2_200);
            GlobalReport g = stat();
            assertTrue(g.kernelPath().mapFull() > 0, "clients left in user space are counted: " + g.kernelPath());
            assertTrue(g.kernelPath().clients() <= 5, "the map holds at most its size: " + g.kernelPath());
            assertTrue(
                    g.forwarded() > 15 * 100,
                    "user space carried the clients the map had no room for: " + g.forwarded());
            assertEquals(0, g.kernelPath().failures(), g.kernelPath().toString());
        } finally {
            dsrlb.stop();
        }
    }
}
