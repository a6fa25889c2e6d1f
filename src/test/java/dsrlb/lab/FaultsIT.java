package dsrlb.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults during boot storms: a backend's TFTP server killed, dsrlb itself killed and
 * restarted, the LB's interface going down and up; and the two ways dsrlb can fail to start
 * (no such interface, no libpcap). Each storm is `dsrlb storm` with 64 clients in the client
 * namespace, bounded by --max-time.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultsIT {
    static final int CLIENTS = 64;

    @TempDir
    Path tmp;

    DsrlbProcess dsrlb;
    String sha;

    @BeforeAll
    void startLab() throws IOException {
        Lab.requireNamespaces();
        Lab.down();
        Lab.up();
        sha = Lab.sha256(Lab.served("ARDBP32.BIN"));
    }

    @AfterEach
    void stopDsrlb() {
        if (dsrlb != null) {
            dsrlb.close();
            dsrlb = null;
        }
    }

    @AfterAll
    void stopLab() {
        Lab.down();
    }

    static CompletableFuture<Lab.Result> stormAsync(String sources, String... extra) {
        return CompletableFuture.supplyAsync(() -> storm(sources, extra));
    }

    static Lab.Result storm(String sources, String... extra) {
        List<String> cmd = new ArrayList<>(List.of(
                "java",
                "-jar",
                Lab.JAR.toString(),
                "storm",
                "--target",
                Lab.VIP,
                "--file",
                "ARDBP32.BIN",
                "--sources",
                sources,
                "--no-progress",
                "--max-time",
                "60",
                "--json"));
        cmd.addAll(List.of(extra));
        return Lab.inNamespace(Lab.CLIENT_NS, 120, cmd.toArray(String[]::new));
    }

    /** The clients of a storm's JSON result that did not get the file. */
    List<String> failedClients(Lab.Result r) {
        List<String> failed = new ArrayList<>();
        List<String> results = StormIT.results(r.out());
        assertTrue(!results.isEmpty(), r.toString());
        for (String c : results) {
            boolean ok = StormIT.field(c, "ok").equals("true")
                    && StormIT.field(c, "sha256").equals("\"" + sha + "\"");
            if (!ok) {
                failed.add(StormIT.unquote(StormIT.field(c, "client")));
            }
        }
        return failed;
    }

    /** Waits for a line matching {@code regex} in dsrlb's log after {@code from} characters. */
    void awaitLog(int from, String regex, long timeoutMs) {
        Pattern p = Pattern.compile(regex);
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        while (System.nanoTime() < deadline) {
            String log = dsrlb.log();
            if (p.matcher(log.substring(Math.min(from, log.length()))).find()) {
                return;
            }
            sleep(50);
        }
        throw new AssertionError("no /" + regex + "/ within " + timeoutMs + " ms:\n" + dsrlb.log());
    }

    @Test
    @Order(1)
    void aMissingInterfaceOrLibpcapIsAClearMessageAndExitNonZero() {
        String conf = Lab.BASEDIR.resolve("examples/seed.conf").toString();
        Lab.Result noIf = Lab.inNamespace(
                Lab.LB_NS, 60, "java", "-jar", Lab.JAR.toString(), "run", "--config", conf, "--interface", "nope");
        assertEquals(4, noIf.exit(), noIf.toString());
        assertTrue(noIf.err().contains("no network interface 'nope'"), noIf.toString());

        Lab.Result noPcap = Lab.inNamespace(
                Lab.LB_NS,
                60,
                "java",
                "-Dorg.pcap4j.core.pcapLibName=/nonexistent/libpcap.so.1",
                "-jar",
                Lab.JAR.toString(),
                "run",
                "--config",
                conf,
                "--interface",
                "eth0");
        assertEquals(4, noPcap.exit(), noPcap.toString());
        assertTrue(noPcap.err().contains("libpcap cannot be loaded"), noPcap.toString());
        assertTrue(noPcap.err().contains("apt-get install libpcap0.8"), noPcap.toString());
        assertTrue(!noPcap.err().contains("\tat "), "a message, not a stack trace: " + noPcap);
    }

    /**
     * tftp1's server dies while 64 clients download. Its clients' transfers break (a TFTP
     * transfer cannot move to another server), so they fail and boot again, as PXE firmware
     * does; by then the monitor has taken tftp1 DOWN and every retry, like every new client,
     * is served by tftp2.
     */
    @Test
    @Order(2)
    void aBackendKilledMidStormItsClientsRetryOnTheOtherAndNewOnesAvoidIt() throws Exception {
        dsrlb = DsrlbProcess.start(Lab.BASEDIR.resolve("examples/monitored.conf"));
        Lab.resetServedBy();
        int idle = tftp1Pids().size();
        CompletableFuture<Lab.Result> running = stormAsync("192.0.2.100-192.0.2.163");
        // Wait until tftp1 has transfers under way: in.tftpd forks a process per transfer.
        long until = System.nanoTime() + 20_000_000_000L;
        boolean underWay = false;
        while (!underWay && System.nanoTime() < until) {
            underWay = tftp1Pids().size() > idle;
            sleep(10);
        }
        assertTrue(underWay, "tftp1 started no transfer");
        int mark = dsrlb.log().length();
        // lab/backend stop kills in.tftpd's process group, its transfers with it; anything left in
        // tftp1's namespace (all the lab's) is killed by id, so no transfer survives, as in a crash.
        Lab.check(Lab.runQuietly(30, Lab.BASEDIR.resolve("lab/backend").toString(), "stop", "tftp1"), "stop tftp1");
        int killed = 0;
        for (String pid : tftp1Pids()) {
            killed += Lab.runQuietly(10, "kill", "-9", pid).ok() ? 1 : 0;
        }
        try {
            Lab.Result first = running.get();
            StormIT.report("storm with tftp1 killed", first);
            List<String> failed = failedClients(first);
            awaitLog(mark, "service tftp1 \\S+ is DOWN", 15_000);

            Lab.resetServedBy();
            if (!failed.isEmpty()) {
                Lab.Result retry = storm(String.join(",", failed));
                StormIT.report("the failed clients boot again", retry);
                assertEquals(0, retry.exit(), retry.toString());
                assertEquals(List.of(), failedClients(retry), "every retry completes");
            }
            Lab.Result fresh = storm("192.0.2.200-192.0.2.231", "--expect-sha256", sha);
            assertEquals(0, fresh.exit(), fresh.toString());
            Set<String> expected = new TreeSet<>(failed);
            for (int i = 200; i <= 231; i++) {
                expected.add("192.0.2." + i);
            }
            Set<String> seen = new TreeSet<>();
            for (Map.Entry<String, List<String>> e : Lab.servedBy().entrySet()) {
                if (e.getKey().startsWith("192.0.2.")) { // not the LB's own monitor probes
                    assertEquals(List.of("tftp2"), e.getValue(), e.getKey() + " after tftp1 died");
                    seen.add(e.getKey());
                }
            }
            assertTrue(
                    seen.containsAll(expected),
                    "every retried and new client served by tftp2: expected " + expected + ", seen " + seen);
            // A first-storm client that finished on tftp2 may still send to the VIP after the reset
            // (ICMP port unreachable for a DATA retransmitted after its socket closed); it went to
            // tftp2 all along. Anyone else is a decision this test does not expect.
            Set<String> lingering = new TreeSet<>(seen);
            lingering.removeAll(expected);
            for (String c : lingering) {
                int last = Integer.parseInt(c.substring(c.lastIndexOf('.') + 1));
                assertTrue(last >= 100 && last <= 163, c + " sent to the VIP but was in no storm");
            }
            System.out.printf(
                    "tftp1 killed mid-storm (%d stragglers killed): %d of %d clients failed, all completed"
                            + " on retry%n",
                    killed, failed.size(), CLIENTS);
        } finally {
            Lab.runQuietly(30, Lab.BASEDIR.resolve("lab/backend").toString(), "start", "tftp1");
        }
    }

    /**
     * dsrlb is SIGKILLed mid-storm and started again. With SOURCEIPHASH a client's backend
     * does not depend on the lost persistence table, so every transfer survives the gap on
     * retransmissions alone. On start dsrlb announces the VIP by gratuitous ARP: the router,
     * whose neighbour entry was pointed elsewhere (as a failed-over LB would leave it) and which
     * has no reason to ask, learns the LB's MAC again.
     */
    @Test
    @Order(3)
    void dsrlbKilledAndRestartedMidStormClientsFinishAndGratuitousArpFixesTheRouter() throws Exception {
        Path conf = tmp.resolve("hash.conf");
        Files.writeString(
                conf,
                Files.readString(Lab.BASEDIR.resolve("examples/seed.conf"))
                        .replace("-lbMethod ROUNDROBIN", "-lbMethod SOURCEIPHASH"));
        dsrlb = DsrlbProcess.start(conf);
        String lbMac = Lab.lbMac();
        String routerDev = routerDevToVip();

        CompletableFuture<Lab.Result> running =
                stormAsync("192.0.2.100-192.0.2.163", "--retries", "15", "--expect-sha256", sha);
        sleep(700);
        dsrlb.kill();
        Lab.check(
                Lab.inNamespace(
                        Lab.ROUTER_NS,
                        10,
                        "ip",
                        "neigh",
                        "replace",
                        Lab.VIP,
                        "lladdr",
                        "02:00:00:00:00:99",
                        "dev",
                        routerDev,
                        "nud",
                        "reachable"),
                "point the router elsewhere");
        sleep(1_200); // past the neighbour table's locktime, so an ARP may override the entry
        dsrlb = DsrlbProcess.start(conf);
        long deadline = System.nanoTime() + 3_000_000_000L;
        String neigh = "";
        while (System.nanoTime() < deadline && !neigh.contains(lbMac)) {
            neigh = Lab.inNamespace(Lab.ROUTER_NS, 10, "ip", "neigh", "show", Lab.VIP)
                    .out();
            sleep(100);
        }
        assertTrue(neigh.contains(lbMac), "router's entry for the VIP after restart: " + neigh + " (LB " + lbMac + ")");
        assertTrue(dsrlb.log().contains("gratuitous ARP: " + Lab.VIP + " is at"), dsrlb.log());

        Lab.Result r = running.get();
        StormIT.report("storm with dsrlb killed and restarted", r);
        assertEquals(0, r.exit(), r.toString());
        assertEquals(List.of(), failedClients(r));
    }

    /** The LB's interface goes down and up: dsrlb keeps running and forwards again without a restart. */
    @Test
    @Order(4)
    void theInterfaceGoingDownAndUpDsrlbRecoversWithoutRestart() throws IOException {
        dsrlb = DsrlbProcess.start(Lab.BASEDIR.resolve("examples/seed.conf"));
        Lab.check(Lab.inNamespace(Lab.LB_NS, 10, "ip", "link", "set", "eth0", "down"), "eth0 down");
        sleep(3_000);
        Lab.check(Lab.inNamespace(Lab.LB_NS, 10, "ip", "link", "set", "eth0", "up"), "eth0 up");
        sleep(2_000);
        assertTrue(dsrlb.isAlive(), dsrlb.log());
        // What the receive loop saw while the link was down (libpcap errors, retried each second).
        dsrlb.log()
                .lines()
                .filter(l -> l.contains("retrying") || l.contains("ERROR"))
                .forEach(l -> System.out.println("dsrlb| " + l));

        Lab.Result r = storm("192.0.2.100-192.0.2.131", "--expect-sha256", sha);
        StormIT.report("storm after eth0 down/up", r);
        assertEquals(0, r.exit(), r.toString() + "\n--- dsrlb\n" + dsrlb.log());
        assertEquals(List.of(), failedClients(r));
    }

    private static List<String> tftp1Pids() {
        return List.of(Lab.runQuietly(10, "ip", "netns", "pids", "dsrlb-tftp1")
                        .out()
                        .trim()
                        .split("\\s+"))
                .stream()
                .filter(p -> !p.isBlank())
                .toList();
    }

    private static String routerDevToVip() {
        Lab.Result r = Lab.check(Lab.inNamespace(Lab.ROUTER_NS, 10, "ip", "-o", "route", "get", Lab.VIP), "route get");
        Matcher m = Pattern.compile(" dev (\\S+)").matcher(r.out());
        assertTrue(m.find(), r.toString());
        return m.group(1);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
