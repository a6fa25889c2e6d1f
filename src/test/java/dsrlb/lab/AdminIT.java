package dsrlb.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dsrlb.control.ResponseReader;
import dsrlb.status.GlobalReport;
import dsrlb.status.PersistenceReport;
import dsrlb.status.ServiceReport;
import dsrlb.status.VserverReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * dsrlb show/stat against the running daemon in the lab: what they report must match what
 * the clients did, with the backends' nftables sets (lab/served-by) as the ground truth. The
 * client runs on the host: a Unix socket is a file, no namespace needed.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AdminIT extends DsrlbLabTest {
    static final String TFTP1_MAC = "02:d5:1b:64:00:30";
    static final int CLIENTS = 10;

    final Map<String, String> servedBy = new TreeMap<>();

    @Override
    String[] labOptions() {
        return new String[] {"--offload", "on"};
    }

    /** A directory that does not exist yet: dsrlb makes it, as it makes /run/dsrlb. */
    @Override
    Path socketPath() {
        return dir.resolve("run/dsrlb.sock");
    }

    @Override
    String[] dsrlbArgs() {
        return new String[] {"--arp-refresh", "2"};
    }

    @Override
    void restoreLab() {
        Lab.inNamespace(
                "dsrlb-tftp1",
                10,
                "sysctl",
                "-q",
                "-w",
                "net.ipv4.conf.all.arp_ignore=1",
                "net.ipv4.conf.eth0.arp_ignore=1");
    }

    /** {@code dsrlb <args> --control-socket <socket>} on the host. */
    private Lab.Result client(String... args) {
        List<String> cmd = new ArrayList<>(List.of("java", "-jar", Lab.JAR.toString()));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("--control-socket", socket.toString()));
        return Lab.runQuietly(30, cmd.toArray(String[]::new));
    }

    private ResponseReader json(String... args) throws Exception {
        String[] withJson = new String[args.length + 1];
        System.arraycopy(args, 0, withJson, 0, args.length);
        withJson[args.length] = "--json";
        Lab.Result r = Lab.check(client(withJson), String.join(" ", withJson));
        ResponseReader reader = ResponseReader.of(r.out());
        assertEquals(null, reader.error(), r.out());
        return reader;
    }

    @Test
    @Order(1)
    void theSocketIsAFileOnlyRootAndItsGroupMayUse() throws IOException {
        assertEquals("rw-rw----", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket.getParent())));
        assertTrue(dsrlb.log().contains("control socket " + socket + " (mode 0660)"), dsrlb.log());
    }

    @Test
    @Order(2)
    void showAndStatMatchWhatTenClientsDid() throws Exception {
        Lab.resetServedBy();
        String expected = Lab.sha256(Lab.served("ARDBP32.BIN"));
        for (int i = 0; i < CLIENTS; i++) {
            String src = "192.0.2." + (100 + i);
            Path out = dir.resolve("dl-" + src);
            Lab.Result r = TftpClient.CURL.download(Lab.VIP, "ARDBP32.BIN", out, src, 15);
            assertTrue(r.ok(), src + ": " + r);
            assertEquals(expected, Lab.sha256(out), src);
        }
        // One client fetches again: its read request reaches dsrlb whichever engine runs (on the
        // kernel path every RRQ does), so persistence is hit at least once. The other clients'
        // ACKs may all be carried by the kernel once their map element landed: no hit to count.
        Path again = dir.resolve("dl-again");
        Lab.Result second = TftpClient.CURL.download(Lab.VIP, "ARDBP32.BIN", again, "192.0.2.100", 15);
        assertTrue(second.ok(), second.toString());
        assertEquals(expected, Lab.sha256(again));
        Map<String, Integer> perBackend = new TreeMap<>();
        for (Map.Entry<String, List<String>> e : Lab.servedBy().entrySet()) {
            assertEquals(1, e.getValue().size(), e.getKey() + " served by " + e.getValue());
            servedBy.put(e.getKey(), e.getValue().get(0));
            perBackend.merge(e.getValue().get(0), 1, Integer::sum);
        }
        assertEquals(CLIENTS, servedBy.size(), servedBy.toString());

        List<ServiceReport> services = json("show", "service").services();
        assertEquals(
                List.of("tftp1", "tftp2"),
                services.stream().map(ServiceReport::name).toList());
        long packets = 0;
        for (ServiceReport s : services) {
            assertEquals("UP", s.state(), s.toString());
            assertNotNull(s.mac(), s.toString());
            assertEquals(
                    perBackend.getOrDefault(s.name(), 0),
                    (int) s.persistedClients(),
                    s.name() + ": persisted clients vs lab/served-by " + servedBy);
            assertTrue(s.packetsForwarded() > 0, s.toString());
            assertTrue(s.bytesForwarded() > s.packetsForwarded() * 42, s.toString());
            packets += s.packetsForwarded();
        }

        ResponseReader stat = json("stat", "lb", "vserver");
        VserverReport tftp = stat.vservers().get(0);
        assertEquals("tftp", tftp.name());
        assertEquals(CLIENTS, tftp.newClients(), tftp.toString());
        assertEquals(CLIENTS, tftp.persistenceTableSize(), tftp.toString());
        assertEquals(0, tftp.repicks(), tftp.toString());
        assertTrue(tftp.persistenceHits() > 0, tftp.toString());
        assertEquals("UP", tftp.state());
        GlobalReport global = stat.global();
        assertEquals(packets, global.forwarded(), "the interface's count is the services' sum");
        assertEquals(tftp.hits(), global.forwarded(), "every hit was forwarded");
        assertTrue(global.received() >= global.forwarded(), global.toString());
        assertTrue(global.checksumsCompleted() > 0, "offload on: partial checksums completed");

        String human = Lab.check(client("show", "lb", "vserver", "tftp"), "show lb vserver tftp")
                .out();
        assertTrue(human.contains("\ttftp (198.51.100.20:*) - ANY\tType: ADDRESS\n\tState: UP\n"), human);
        assertTrue(human.contains("\tVserver hits: " + tftp.hits() + "\tNew clients: 10\t"), human);
        assertTrue(human.contains("1) tftp1 (198.51.100.30: *) - ANY State: UP\tWeight: 1\n"), human);
        String table = Lab.check(client("show", "service"), "show service").out();
        assertTrue(table.lines().anyMatch(l -> l.startsWith("tftp1  198.51.100.30  *     ANY       UP    ")), table);
    }

    @Test
    @Order(3)
    void showPersistenceNamesTheServiceTheClientWentTo() throws Exception {
        String client = "192.0.2.100";
        String backend = servedBy.get(client);
        assertNotNull(backend, "needs the downloads of the test before: " + servedBy);

        PersistenceReport one = json("show", "persistence", "--client", client).persistence();
        assertEquals(List.of(new PersistenceReport.Entry(client, "tftp", backend)), one.entries());

        String human = Lab.check(client("show", "persistence", "--client", client), "show persistence")
                .out();
        assertTrue(human.lines().anyMatch(l -> l.matches(Pattern.quote(client) + "\\s+tftp\\s+" + backend)), human);

        PersistenceReport all = json("show", "persistence").persistence();
        assertEquals(CLIENTS, all.total());
        for (PersistenceReport.Entry e : all.entries()) {
            assertEquals(servedBy.get(e.client()), e.service(), e.toString());
        }
    }

    @Test
    @Order(4)
    void aBackendAnsweringArpForTheVipShowsInStatWithItsMac() throws Exception {
        Lab.check(
                Lab.inNamespace(
                        "dsrlb-tftp1",
                        10,
                        "sysctl",
                        "-q",
                        "-w",
                        "net.ipv4.conf.all.arp_ignore=0",
                        "net.ipv4.conf.eth0.arp_ignore=0"),
                "arp_ignore=0");
        try {
            GlobalReport g = null;
            long deadline = System.nanoTime() + 15_000_000_000L;
            while (System.nanoTime() < deadline) {
                g = json("stat", "lb", "vserver").global();
                if (g.lastVipArpConflict() != null) {
                    break;
                }
                Thread.sleep(500);
            }
            assertNotNull(g.lastVipArpConflict(), "no VIP ARP conflict within 15 s: " + g);
            assertTrue(g.vipArpConflicts() >= 1, g.toString());
            assertEquals(TFTP1_MAC, g.lastVipArpConflict().mac());
            assertEquals(Lab.VIP, g.lastVipArpConflict().vip());
            String human = Lab.check(client("stat", "lb", "vserver"), "stat lb vserver")
                    .out();
            assertTrue(human.contains("Last VIP ARP conflict: " + Lab.VIP + " claimed by MAC " + TFTP1_MAC), human);
        } finally {
            Lab.inNamespace(
                    "dsrlb-tftp1",
                    10,
                    "sysctl",
                    "-q",
                    "-w",
                    "net.ipv4.conf.all.arp_ignore=1",
                    "net.ipv4.conf.eth0.arp_ignore=1");
        }
    }

    @Test
    @Order(5)
    void aGracefulDisableLetsARunningTransferFinishTakesNoNewClientsThenIsOutOfService() throws Exception {
        String src = "192.0.2.120";
        Lab.Result first = TftpClient.CURL.download(Lab.VIP, "b512.bin", dir.resolve("first"), src, 15);
        assertTrue(first.ok(), first.toString());
        String backend = Lab.servedBy().get(src).get(0);
        String other = backend.equals("tftp1") ? "tftp2" : "tftp1";

        // 64-byte blocks: 81 920 lock-step round trips, several seconds through dsrlb, so the
        // drain surely starts while this transfer runs.
        CompletableFuture<Lab.Result> running = CompletableFuture.supplyAsync(() -> Lab.inNamespace(
                Lab.CLIENT_NS,
                90,
                "curl",
                "-sS",
                "--fail",
                "--tftp-blksize",
                "64",
                "--interface",
                src,
                "-o",
                dir.resolve("running").toString(),
                "tftp://" + Lab.VIP + "/m5.bin"));
        Thread.sleep(300);
        Lab.Result disable = Lab.check(client("disable", "service", backend, "--graceful"), "disable --graceful");
        assertTrue(disable.out().contains("GOING OUT OF SERVICE"), disable.toString());
        assertFalse(running.isDone(), "the transfer must still be running when the drain starts");

        for (int i = 121; i <= 123; i++) {
            String c = "192.0.2." + i;
            Lab.Result r = TftpClient.CURL.download(Lab.VIP, "b512.bin", dir.resolve("new-" + i), c, 15);
            assertTrue(r.ok(), r.toString());
            assertEquals(List.of(other), Lab.servedBy().get(c), c + " is new: not to the draining " + backend);
        }
        Lab.Result done = running.get(90, TimeUnit.SECONDS);
        assertTrue(done.ok(), "the running transfer finished: " + done);
        assertEquals(Lab.sha256(Lab.served("m5.bin")), Lab.sha256(dir.resolve("running")));
        assertEquals(List.of(backend), Lab.servedBy().get(src), "it stayed on " + backend);

        long deadline = System.nanoTime() + 15_000_000_000L;
        String state = "";
        while (System.nanoTime() < deadline) {
            state = json("show", "service", backend).services().get(0).state();
            if (state.equals("OUT OF SERVICE")) {
                break;
            }
            Thread.sleep(200);
        }
        assertEquals("OUT OF SERVICE", state, backend + " after its client went idle");

        Lab.Result enable = Lab.check(client("enable", "service", backend), "enable");
        assertTrue(enable.out().contains(": UP"), enable.toString());
        assertEquals("UP", json("show", "service", backend).services().get(0).state());
    }

    @Test
    @Order(99)
    void stoppingRemovesTheSocketAndTheClientSaysSo() {
        dsrlb.stop();
        assertFalse(dsrlb.isAlive());
        assertFalse(Files.exists(socket), "socket removed on stop");
        Lab.Result r = client("show", "service");
        assertEquals(1, r.exit(), r.toString());
        assertEquals("dsrlb show service: dsrlb is not running (no control socket at " + socket + ")\n", r.err());
    }
}
