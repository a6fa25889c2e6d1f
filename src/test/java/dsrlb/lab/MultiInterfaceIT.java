package dsrlb.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dsrlb.control.ResponseReader;
import dsrlb.status.GlobalReport;
import dsrlb.status.Json;
import dsrlb.status.ServiceReport;
import dsrlb.status.VserverReport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One dsrlb on two interfaces (lab/up --lans, examples/two-lans.conf): LAN A (br100) holds the
 * router's eth1, dsrlb-lb's eth0, VIP 198.51.100.20 and tftp1; LAN B (br200) holds the router's
 * eth3, dsrlb-lb's eth1, VIP 198.51.100.140 and tftp2; no tags. dsrlb takes both interfaces from
 * the config's untagged {@code bind vlan -ifnum} lines (or from two {@code --interface}): the
 * router learns each VIP at the MAC of the LB interface on its LAN, real clients download through
 * both VIPs (and 20 storm clients per VIP at once), each from the server on that LAN, each LAN's
 * monitor probes from the LB's address on that LAN, and no frame of one LAN's VIP or server shows
 * up on the other LAN's port. The same on the engines native and pcap as on the default (auto);
 * and a vserver whose service lives on the other LAN, or an {@code --interface} that leaves out a
 * LAN the config binds, is refused at start.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MultiInterfaceIT extends DsrlbLabTest {
    static final String VIP_A = "198.51.100.20";
    static final String VIP_B = "198.51.100.140";
    static final String TFTP1 = "198.51.100.30";
    static final String TFTP2 = "198.51.100.150";
    /** lab/lib.sh LAB_MAC_TFTP1/2: neither may ever be the router's entry for a VIP. */
    static final List<String> BACKEND_MACS = List.of("02:d5:1b:64:00:30", "02:d5:1b:64:00:31");
    /** 20 clients per VIP, at once through both (the extra client addresses of lab/roles/client.sh). */
    static final String STORM_A = "192.0.2.32-192.0.2.51";

    static final String STORM_B = "192.0.2.52-192.0.2.71";
    static final int STORM_CLIENTS = 20;

    /** One LAN: its VIP, its server, the router's and dsrlb-lb's interfaces on it, the switch port of dsrlb-lb's. */
    record Lan(
            String name,
            String vip,
            String server,
            String backend,
            String routerIf,
            String lbIf,
            String lbIp,
            String swPort) {}

    static final Lan A = new Lan("LAN A", VIP_A, TFTP1, "tftp1", "eth1", "eth0", "198.51.100.10", "p-lb");
    static final Lan B = new Lan("LAN B", VIP_B, TFTP2, "tftp2", "eth3", "eth1", "198.51.100.138", "p-lb-b");

    @Override
    String[] labOptions() {
        return new String[] {"--lans"};
    }

    @Override
    Path config() {
        return Lab.BASEDIR.resolve("examples/two-lans.conf");
    }

    private GlobalReport stat() throws Json.JsonException {
        return ResponseReader.of(Lab.cli(socket, "stat", "lb", "vserver")).global();
    }

    private void restart(String... args) throws IOException {
        dsrlb.close();
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--control-socket", socket.toString()));
        dsrlb = DsrlbProcess.start(config(), all.toArray(String[]::new));
    }

    // ------------------------------------------------------------------ the default engine, interfaces from the config

    /**
     * `dsrlb doctor` with the same config looks at both interfaces: each one's host checks, and
     * an ARP survey of each LAN's backend and VIP from that LAN's own address.
     */
    @Test
    @Order(0)
    void doctorChecksBothInterfacesAndSurveysEachLanOnItsOwn() {
        Lab.Result r = Lab.inNamespace(
                Lab.LB_NS, 30, "java", "-jar", Lab.JAR.toString(), "doctor", "--config", config().toString());
        assertEquals(0, r.exit(), r.toString());
        for (String line : new String[] {
            "OK +interface +eth0 up, MAC 02:d5:1b:64:00:10, 198\\.51\\.100\\.10/25",
            "OK +interface +eth1 up, MAC 02:d5:1b:64:00:12, 198\\.51\\.100\\.138/25",
            "OK +tx checksum offload +eth1 .*",
            "OK +backend 198\\.51\\.100\\.30 +answers ARP: 02:d5:1b:64:00:30",
            "OK +backend 198\\.51\\.100\\.150 +answers ARP: 02:d5:1b:64:00:31",
            "OK +VIP 198\\.51\\.100\\.140 +nobody else answers ARP for it",
            "nothing to fix"
        }) {
            assertTrue(r.out().matches("(?s).*\\n?" + line + "\\n.*"), line + "\n" + r.out());
        }
    }

    @Test
    @Order(1)
    void oneDsrlbServesBothInterfacesAndMonitorsEachLansServerFromItsOwnAddress() throws Exception {
        String log = dsrlb.log();
        System.out.println("dsrlb (default engine, interfaces from the config):\n" + log);
        // stat names each engine with its interfaces ("offload on eth0, eth1"; auto picks per
        // interface, so "offload on eth0, native on eth1" would do as well).
        String engine = stat().engine();
        assertTrue(
                engine != null && engine.contains(" on ") && engine.contains("eth0") && engine.contains("eth1"),
                "stat names both interfaces: " + engine + "\n" + log);
        // The start log names each interface it serves, with its MAC and address.
        for (Lan lan : List.of(A, B)) {
            String mac = Lab.lbMac(lan.lbIf());
            assertTrue(
                    log.lines().anyMatch(l -> l.contains(lan.lbIf()) && l.contains(mac) && l.contains(lan.lbIp())),
                    "the start log names " + lan.lbIf() + " (" + mac + ", " + lan.lbIp() + "):\n" + log);
        }
        List<VserverReport> vservers =
                ResponseReader.of(Lab.cli(socket, "stat", "lb", "vserver")).vservers();
        assertEquals(
                List.of("tftp-a UP", "tftp-b UP"),
                vservers.stream().map(v -> v.name() + " " + v.state()).toList());
        // The monitors probe every 2 s; the first verdicts may still be pending right after "ready".
        List<ServiceReport> services = awaitMonitorsUp();
        for (ServiceReport s : services) {
            assertEquals("UP", s.state(), s.toString());
            String mac = s.name().equals("tftp1") ? BACKEND_MACS.get(0) : BACKEND_MACS.get(1);
            assertEquals(mac, s.mac(), s.name() + " learnt by ARP on its own LAN: " + s);
        }
        // Each LAN's monitor probes its server from the LB host's address on that LAN, through
        // that LAN's port (2 s interval: 5 s see at least two probes).
        List<Capture> probes = new ArrayList<>();
        for (Lan lan : List.of(A, B)) {
            probes.add(Capture.start(
                    dir.resolve("probe-" + lan.swPort()),
                    lan.swPort(),
                    "udp dst port 69 and src host " + lan.lbIp() + " and dst host " + lan.server(),
                    "monitor RRQs " + lan.lbIp() + " -> " + lan.server()));
        }
        Thread.sleep(5000);
        for (Capture c : probes) {
            c.stop();
        }
        for (Capture c : probes) {
            List<String> frames = c.frames();
            assertTrue(frames.size() >= 2, c + ": " + frames + "\n" + dsrlb.log());
        }
    }

    /** show service until both services' tftp-pxe monitors have probed OK (at most 20 s). */
    private List<ServiceReport> awaitMonitorsUp() throws Exception {
        List<ServiceReport> services = List.of();
        for (int i = 0; i < 40; i++) {
            services = ResponseReader.of(Lab.cli(socket, "show", "service")).services();
            if (services.size() == 2 && services.stream().allMatch(MultiInterfaceIT::monitoredUp)) {
                return services;
            }
            Thread.sleep(500);
        }
        throw new AssertionError(
                "both services UP by their TFTP monitor within 20 s: " + services + "\n" + dsrlb.log());
    }

    private static boolean monitoredUp(ServiceReport s) {
        return s.state().equals("UP")
                && s.monitors().size() == 1
                && s.monitors().get(0).name().equals("tftp-pxe")
                && s.monitors().get(0).state().equals("UP")
                && s.monitors().get(0).lastProbe() != null
                && s.monitors().get(0).lastProbe().ok();
    }

    @Test
    @Order(2)
    void theRouterLearnsEachVipAtTheLbInterfaceOnItsLanAndTheOtherLanGetsNoAnswer() {
        assertVipsResolvedPerLan("default engine");
    }

    @Test
    @Order(3)
    void clientsDownloadThroughEachVipFromTheServerOnItsLan() throws Exception {
        assertDownloadsPerLan("default engine", 101);
        assertTrue(stat().forwarded() > 0);
    }

    @Test
    @Order(4)
    void aStormThroughBothVipsAtOnceCompletesIntactEachClientOnItsLansServer() throws Exception {
        assertStormsPerLan("default engine");
    }

    @Test
    @Order(5)
    void noFrameOfOneLanShowsUpOnTheOtherLansPort() throws Exception {
        assertNoFrameCrossesLans("default engine", 111, () -> {});
    }

    // ------------------------------------------------------------------ native and pcap

    @ParameterizedTest
    @ValueSource(strings = {"native", "pcap"})
    @Order(6)
    void theEngineServesBothInterfacesToo(String engine) throws Exception {
        // Captured from the start on: its gratuitous ARPs and first probes stay on their LANs too.
        assertNoFrameCrossesLans(engine, engine.equals("native") ? 141 : 151, () -> restart("--engine", engine));
        System.out.println("dsrlb --engine " + engine + ":\n" + dsrlb.log());
        assertEquals(engine + " on eth0, eth1", stat().engine(), "engine " + engine + " runs on both");
        awaitMonitorsUp();
        assertVipsResolvedPerLan(engine);
        assertDownloadsPerLan(engine, engine.equals("native") ? 121 : 131);
        assertStormsPerLan(engine);
    }

    // ------------------------------------------------------------------ --interface given

    @Test
    @Order(7)
    void twoInterfaceOptionsServeTheSameAsTheConfig() throws Exception {
        assertNoFrameCrossesLans(
                "--interface eth0 --interface eth1", 171, () -> restart("--interface", "eth0", "--interface", "eth1"));
        String engine = stat().engine();
        assertTrue(
                engine != null && engine.contains(" on ") && engine.contains("eth0") && engine.contains("eth1"),
                "stat names both interfaces: " + engine);
        awaitMonitorsUp();
        assertVipsResolvedPerLan("--interface eth0 --interface eth1");
        assertDownloadsPerLan("--interface eth0 --interface eth1", 161);
    }

    // ------------------------------------------------------------------ refused configs

    @Test
    @Order(8)
    void aVserverOnLanABoundToAServiceOnLanBIsRefusedAtStartNamingBoth() throws IOException {
        String conf = Files.readString(config(), StandardCharsets.UTF_8);
        String bind = "bind lb vserver tftp-a tftp1\n";
        assertTrue(conf.contains(bind), conf);
        Path cross = dir.resolve("cross.conf");
        Files.writeString(cross, conf.replace(bind, bind + "bind lb vserver tftp-a tftp2\n"), StandardCharsets.UTF_8);

        Lab.Result r = runDsrlb(cross);

        assertNotEquals(0, r.exit(), "refused: " + r);
        assertNotEquals(-2, r.exit(), "refused at start, not running: " + r);
        String out = r.out() + r.err();
        for (String name : List.of("tftp-a", "tftp2", "eth0", "eth1")) {
            assertTrue(out.contains(name), "the refusal names " + name + ":\n" + r);
        }
    }

    @Test
    @Order(9)
    void anInterfaceOptionThatLeavesOutALanTheConfigBindsIsRefused() {
        Lab.Result r = runDsrlb(config(), "--interface", "eth0");

        assertNotEquals(0, r.exit(), "refused: " + r);
        assertNotEquals(-2, r.exit(), "refused at start, not running: " + r);
        String out = r.out() + r.err();
        assertTrue(out.contains("eth1"), "the refusal names the interface left out:\n" + r);
    }

    /** {@code dsrlb run} in dsrlb-lb, bounded: a dsrlb that starts instead of refusing is killed after 30 s (exit -2). */
    private Lab.Result runDsrlb(Path conf, String... args) {
        List<String> cmd = new ArrayList<>(List.of(
                "java",
                "-jar",
                Lab.JAR.toString(),
                "run",
                "--config",
                conf.toString(),
                "--control-socket",
                dir.resolve("refused.sock").toString()));
        cmd.addAll(List.of(args));
        return Lab.inNamespace(Lab.LB_NS, 30, cmd.toArray(String[]::new));
    }

    // ------------------------------------------------------------------ the checks, per engine

    /** dsrlb's count of frames seen on an interface that is not their VIP's ({@code stat}). */
    private long otherInterfaceDrops() {
        try {
            return stat().drops().getOrDefault("other_interface", -1L);
        } catch (Json.JsonException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * arping from the router's interface on each LAN: the VIP there answers from the LB
     * interface on that LAN (never a backend, whose VIP sits on lo), the other LAN's VIP does not
     * answer (dsrlb counts the requests as other_interface); and after a download the router's
     * neighbour entry for each VIP is that MAC on that interface.
     */
    private void assertVipsResolvedPerLan(String label) {
        for (Lan lan : List.of(A, B)) {
            Lan other = lan.equals(A) ? B : A;
            String lbMac = Lab.lbMac(lan.lbIf());
            Lab.Result right = arping(lan.routerIf(), lan.vip());
            assertEquals(0, right.exit(), label + ": " + lan.vip() + " asked on " + lan.name() + ": " + right);
            assertTrue(
                    right.out().toLowerCase(Locale.ROOT).contains(lbMac),
                    label + ": " + lan.vip() + " is at dsrlb-lb's " + lan.lbIf() + " " + lbMac + ":\n" + right.out());
            for (String backendMac : BACKEND_MACS) {
                assertFalse(right.out().toLowerCase(Locale.ROOT).contains(backendMac), right.out());
            }
            long before = otherInterfaceDrops();
            Lab.Result wrong = arping(other.routerIf(), lan.vip());
            assertFalse(
                    wrong.ok(), label + ": " + lan.vip() + " asked on " + other.name() + " answers nothing: " + wrong);
            assertTrue(wrong.out().contains("Received 0 response"), wrong.out());
            long after = otherInterfaceDrops();
            assertTrue(
                    after - before >= 2,
                    label + ": both requests seen on " + other.lbIf() + " and dropped as other_interface: " + before
                            + " -> " + after);

            Lab.check(Lab.inNamespace(Lab.ROUTER_NS, 10, "ip", "neigh", "flush", "to", lan.vip()), "ip neigh flush");
            Lab.Result r = TftpClient.CURL.download(
                    lan.vip(), "b512.bin", dir.resolve("neigh-" + lan.vip()), "192.0.2.10", 30);
            assertTrue(r.ok(), label + ": download via " + lan.vip() + ": " + r + "\n" + dsrlb.log());
            String neigh = Lab.check(
                            Lab.inNamespace(Lab.ROUTER_NS, 10, "ip", "neigh", "show", "to", lan.vip()), "ip neigh show")
                    .out();
            assertTrue(
                    neigh.contains("dev " + lan.routerIf() + " ") && neigh.contains("lladdr " + lbMac),
                    label + ": the router's entry for " + lan.vip() + " is dsrlb-lb's " + lan.lbIf() + " (" + lbMac
                            + ") on its " + lan.routerIf() + ": " + neigh);
        }
    }

    private static Lab.Result arping(String routerIf, String vip) {
        return Lab.inNamespace(Lab.ROUTER_NS, 10, "arping", "-c", "2", "-w", "3", "-I", routerIf, vip);
    }

    /** curl and tftp-hpa through each VIP from fresh client addresses {@code 192.0.2.<first>…+3}. */
    private void assertDownloadsPerLan(String label, int first) throws Exception {
        Lab.resetServedBy();
        Path tmp = Files.createTempDirectory(dir, "downloads");
        record Case(TftpClient client, Lan lan, String src, String file) {}
        List<Case> cases = List.of(
                new Case(TftpClient.CURL, A, "192.0.2." + first, "m5.bin"),
                new Case(TftpClient.TFTP_HPA, A, "192.0.2." + (first + 1), "k64.bin"),
                new Case(TftpClient.CURL, B, "192.0.2." + (first + 2), "m5.bin"),
                new Case(TftpClient.TFTP_HPA, B, "192.0.2." + (first + 3), "k64.bin"));
        try {
            for (Case c : cases) {
                Path out = tmp.resolve(c.client() + "-" + c.src() + "-" + c.file());
                Lab.Result r = c.client().download(c.lan().vip(), c.file(), out, c.src(), 60);
                assertTrue(r.ok(), label + ": " + c + ": " + r + "\n" + dsrlb.log());
                assertEquals(Lab.sha256(Lab.served(c.file())), Lab.sha256(out), label + ": " + c + ": file intact");
            }
        } finally {
            Lab.check(
                    Lab.runQuietly(
                            10,
                            "ip",
                            "-n",
                            Lab.CLIENT_NS,
                            "route",
                            "replace",
                            "default",
                            "via",
                            "192.0.2.1",
                            "dev",
                            "eth0",
                            "src",
                            "192.0.2.10"),
                    "restore the client's source address");
        }
        Map<String, List<String>> served = Lab.servedBy();
        for (Case c : cases) {
            assertEquals(
                    List.of(c.lan().backend()),
                    served.get(c.src()),
                    label + ": " + c + " served by the server on its LAN: " + served);
        }
        assertEquals(0, Lab.directCount("tftp1"), label);
        assertEquals(0, Lab.directCount("tftp2"), label);
        assertEquals(0, fromReal(), label + ": every reply came from a VIP, none from a backend's own address");
    }

    /** The client's count of UDP replies from a backend's real address (lab/roles/client.sh). */
    private static long fromReal() {
        String out = Lab.check(
                        Lab.inNamespace(Lab.CLIENT_NS, 10, "nft", "list", "counter", "ip", "dsrlblab", "from_real"),
                        "nft list counter from_real")
                .out();
        java.util.regex.Matcher m =
                java.util.regex.Pattern.compile("packets (\\d+)").matcher(out);
        assertTrue(m.find(), out);
        return Long.parseLong(m.group(1));
    }

    /**
     * {@value #STORM_CLIENTS} clients per VIP, both storms at once (StormIT.storm: ARDBP32.BIN,
     * sha256 checked per client); every client completes, each on its LAN's server.
     */
    private void assertStormsPerLan(String label) throws Exception {
        Lab.resetServedBy();
        String sha = Lab.sha256(Lab.served("ARDBP32.BIN"));
        AtomicReference<Lab.Result> stormB = new AtomicReference<>();
        Thread b = new Thread(() -> stormB.set(StormIT.storm(VIP_B, STORM_B, 60, "--expect-sha256", sha, "--json")));
        b.start();
        Lab.Result stormA = StormIT.storm(VIP_A, STORM_A, 60, "--expect-sha256", sha, "--json");
        b.join(TimeUnit.SECONDS.toMillis(200));
        assertFalse(b.isAlive(), "the storm through " + VIP_B + " ended");
        Map<String, List<String>> served = Lab.servedBy();
        for (Object[] s : new Object[][] {{A, stormA}, {B, stormB.get()}}) {
            Lan lan = (Lan) s[0];
            Lab.Result r = (Lab.Result) s[1];
            StormIT.report(label + ": storm via " + lan.vip(), r);
            assertEquals(0, r.exit(), label + ": storm via " + lan.vip() + ": " + r + "\n" + dsrlb.log());
            String head = r.out().substring(0, r.out().indexOf("\"results\""));
            assertEquals(String.valueOf(STORM_CLIENTS), StormIT.field(head, "completed"), r.toString());
            assertEquals("0", StormIT.field(head, "failed"), r.toString());
            List<String> results = StormIT.results(r.out());
            assertEquals(STORM_CLIENTS, results.size(), r.toString());
            for (String c : results) {
                assertEquals("true", StormIT.field(c, "ok"), c);
                assertEquals("\"" + sha + "\"", StormIT.field(c, "sha256"), c);
                String client = StormIT.unquote(StormIT.field(c, "client"));
                assertEquals(
                        List.of(lan.backend()),
                        served.get(client),
                        label + ": " + client + " via " + lan.vip() + " served by " + lan.backend() + ": " + served);
            }
        }
        assertEquals(0, Lab.directCount("tftp1"), label);
        assertEquals(0, Lab.directCount("tftp2"), label);
    }

    /**
     * tcpdump on both of dsrlb-lb's switch ports during {@code first} (e.g. a restart of dsrlb)
     * and while clients download through both VIPs: each port carries its own LAN's VIP and
     * server (the capture works), and nothing of the other LAN's VIP or server, ARP included.
     */
    private void assertNoFrameCrossesLans(String label, int src, Step first) throws Exception {
        String tag = label.replaceAll("[^a-z]", "");
        List<Capture> own = new ArrayList<>();
        List<Capture> foreign = new ArrayList<>();
        for (Lan lan : List.of(A, B)) {
            Lan other = lan.equals(A) ? B : A;
            own.add(Capture.start(dir.resolve(tag + "-own-" + lan.swPort()), lan.swPort(), lan));
            foreign.add(Capture.start(dir.resolve(tag + "-foreign-" + lan.swPort()), lan.swPort(), other));
        }
        try {
            first.run();
            for (Lan lan : List.of(A, B)) {
                String from = "192.0.2." + (lan.equals(A) ? src : src + 1);
                Lab.Result r =
                        TftpClient.CURL.download(lan.vip(), "k64.bin", dir.resolve(tag + "-cross-" + from), from, 30);
                assertTrue(r.ok(), label + ": via " + lan.vip() + ": " + r + "\n" + dsrlb.log());
            }
        } finally {
            // Whatever dsrlb still sends after the downloads (a late ARP, a retransmission) counts too.
            Thread.sleep(1000);
            for (Capture c : own) {
                c.stop();
            }
            for (Capture c : foreign) {
                c.stop();
            }
        }
        for (Capture c : own) {
            List<String> frames = c.frames();
            assertTrue(frames.size() > 40, label + ": " + c + " saw its LAN's download: " + frames);
        }
        for (Capture c : foreign) {
            assertEquals(List.of(), c.frames(), label + ": " + c + ": nothing of the other LAN on this port");
        }
    }

    /** Something done while the captures run. */
    interface Step {
        void run() throws Exception;
    }

    /**
     * tcpdump in dsrlb-sw on one port, for the frames of one LAN's VIP and server (IPv4 and ARP),
     * written raw to a file (text output loses frames to the kernel in a burst) and decoded after.
     */
    record Capture(Process process, Path pcap, Path log, String port, String what) {
        static Capture start(Path base, String port, Lan of) throws IOException, InterruptedException {
            String filter = "host " + of.vip() + " or arp host " + of.vip() + " or host " + of.server()
                    + " or arp host " + of.server();
            return start(base, port, filter, of.name() + " (" + of.vip() + ", " + of.server() + ")");
        }

        static Capture start(Path base, String port, String filter, String what)
                throws IOException, InterruptedException {
            Path pcap = base.resolveSibling(base.getFileName() + ".pcap");
            Path log = base.resolveSibling(base.getFileName() + ".log");
            Process p = new ProcessBuilder(
                            "ip",
                            "netns",
                            "exec",
                            "dsrlb-sw",
                            "timeout",
                            "60",
                            "tcpdump",
                            "-i",
                            port,
                            "-nn",
                            "-U",
                            "-B",
                            "8192",
                            "-w",
                            "-",
                            filter)
                    // The JVM opens both files: tcpdump's own -w file would be opened after it
                    // dropped root, in a directory only root may write.
                    .redirectOutput(pcap.toFile())
                    .redirectError(log.toFile())
                    .start();
            for (int i = 0; i < 50; i++) {
                if (Files.readString(log, StandardCharsets.UTF_8).contains("listening on")) {
                    break;
                }
                Thread.sleep(100);
            }
            return new Capture(p, pcap, log, port, what);
        }

        /** SIGTERM to timeout, which passes it on to tcpdump; then tcpdump's own count of what the kernel dropped is 0. */
        void stop() throws InterruptedException, IOException {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            String stats = Files.readString(log, StandardCharsets.UTF_8);
            assertTrue(
                    stats.lines().anyMatch(l -> l.equals("0 packets dropped by kernel")),
                    this + ": tcpdump lost no frame:\n" + stats);
        }

        /** The captured frames, one line each ({@code tcpdump -r -nn -e}). */
        List<String> frames() {
            Lab.Result r = Lab.runQuietly(30, "tcpdump", "-r", pcap.toString(), "-nn", "-e");
            assertEquals(0, r.exit(), this + ": tcpdump -r: " + r);
            return r.out().lines().filter(l -> l.contains(", ethertype ")).toList();
        }

        @Override
        public String toString() {
            return port + " for " + what;
        }
    }
}
