package dsrlb.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dsrlb.control.ResponseReader;
import dsrlb.status.GlobalReport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * One dsrlb serving an IPv6 VIP next to the IPv4 one (lab/up --ipv6, examples/ipv6.conf): the
 * router finds the VIP6 by NDP and only dsrlb answers for it (the backends hold it on lo);
 * real clients (curl, tftp-hpa) download through it from 2001:db8:1::/64, each client on one
 * backend (the backends' own record, lab/served-by), both backends used by ROUNDROBIN; IPv4
 * clients are served in the same run; tx checksum offload is on, so dsrlb completes the
 * partial UDP checksums of IPv6 frames; and all of it on the native, the pcap, the default and
 * the offload engine.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class Ipv6IT extends DsrlbLabTest {
    static final String VIP6 = Lab.VIP6;
    static final String ROUTER_SERVER_MAC = "02:d5:1b:64:00:01";
    static final List<String> BACKEND_MACS = List.of("02:d5:1b:64:00:30", "02:d5:1b:64:00:31");
    static final int CLIENTS = 20;
    /** Neighbor Solicitations and Advertisements on the switch (ICMPv6 types 135, 136). */
    static final String NDP_FILTER = "icmp6 and (ip6[40] == 135 or ip6[40] == 136)";

    /** tcpdump on the switch for the whole class: every NS and NA on the server LAN. */
    Capture ndp;

    String sha;

    @Override
    String[] labOptions() {
        return new String[] {"--ipv6"};
    }

    @Override
    Path config() {
        return Lab.BASEDIR.resolve("examples/ipv6.conf");
    }

    @Override
    String[] dsrlbArgs() {
        return new String[] {"--engine", "native"};
    }

    /** The n-th extra IPv6 client address of lab/up --ipv6 (lab_client6_extra_ip), as nft prints it. */
    static String client6(int n) {
        return String.format(Locale.ROOT, "2001:db8:1::%x", 0x100 + n);
    }

    /** The n-th extra IPv4 client address (lab_client_extra_ip). */
    static String client4(int n) {
        return "192.0.2." + (32 + n);
    }

    @Test
    @Order(1)
    void theRouterLearnsTheLbsMacForTheVip6AndNoBackendAnswers() throws Exception {
        sha = Lab.sha256(Lab.served("ARDBP32.BIN"));
        ndp = Capture.start(dir.resolve("ndp.txt"), "dsrlb-sw", 900, "br0", NDP_FILTER, "-c", "100000");
        // Whatever the router learnt before the capture started goes; it must ask again.
        Lab.inNamespace(Lab.ROUTER_NS, 10, "ip", "-6", "neigh", "flush", "to", VIP6);

        Lab.Result r = TftpClient.CURL.download(VIP6, "k64.bin", dir.resolve("first6"), client6(0), 30);

        assertTrue(r.ok(), r + "\n" + dsrlb.log());
        assertEquals(Lab.sha256(Lab.served("k64.bin")), Lab.sha256(dir.resolve("first6")));
        assertRouterHasTheLbsMacForTheVip6();
        // tcpdump prints a line when its buffer of the bridge's packets is read: give it a moment.
        String seen = ndp.text();
        for (int i = 0; i < 30 && !seen.contains("who has " + VIP6); i++) {
            Thread.sleep(100);
            seen = ndp.text();
        }
        assertTrue(seen.contains("who has " + VIP6), "the router asked NDP for the VIP6:\n" + seen);
    }

    private void assertRouterHasTheLbsMacForTheVip6() {
        Lab.Result neigh =
                Lab.check(Lab.inNamespace(Lab.ROUTER_NS, 10, "ip", "-6", "neigh", "show", "to", VIP6), "ip -6 neigh");
        assertTrue(
                neigh.out().contains("lladdr " + Lab.lbMac()),
                "the router's neighbour entry for the VIP6 is dsrlb's MAC " + Lab.lbMac() + ": " + neigh.out());
        for (String mac : BACKEND_MACS) {
            assertFalse(neigh.out().contains(mac), "a backend's MAC for the VIP6: " + neigh.out());
        }
    }

    /**
     * The IPv6 services are UP by their monitor: a real TFTP download over IPv6 from the LB
     * host's own address to each backend's real address and, through dsrlb's DSR path, to the
     * VIP6 (answered from the VIP6).
     */
    @Test
    @Order(2)
    void theMonitorsCheckedEachIpv6ServiceOnItsRealAddressAndThroughTheVip6() {
        String shown = Lab.cli(socket, "show", "service", "tftp1-6");
        assertTrue(shown.contains("UP"), shown);
        assertTrue(shown.contains("real address") && shown.contains("via VIP"), "both paths probed: " + shown);
        String other = Lab.cli(socket, "show", "service", "tftp2-6");
        assertTrue(other.contains("real address") && other.contains("via VIP"), "both paths probed: " + other);
    }

    @Test
    @Order(2)
    void curlAndTftpHpaDownloadThroughTheVip6EachClientOnOneBackend() throws Exception {
        Lab.resetServedBy();
        record Case(TftpClient client, String src, String file) {}
        // The same source twice in a row: SOURCEIP persistence keeps it on its first backend,
        // where ROUNDROBIN alone would move it to the other one.
        List<Case> cases = List.of(
                new Case(TftpClient.CURL, client6(1), "ARDBP32.BIN"),
                new Case(TftpClient.TFTP_HPA, client6(1), "ARDBP32.BIN"),
                new Case(TftpClient.TFTP_HPA, client6(2), "ARDBP32.BIN"),
                new Case(TftpClient.CURL, client6(2), "m5.bin"),
                new Case(TftpClient.TFTP_HPA, client6(3), "empty.bin"),
                new Case(TftpClient.TFTP_HPA, client6(3), "b511.bin"),
                new Case(TftpClient.CURL, client6(4), "b512.bin"),
                new Case(TftpClient.CURL, client6(4), "k64.bin"));
        int i = 0;
        for (Case c : cases) {
            Path out = dir.resolve("dl6-" + i++ + "-" + c.file());
            Lab.Result r = c.client().download(VIP6, c.file(), out, c.src(), 60);
            // tftp-hpa exits 0 on a TFTP error (lab/README.md): silence is success.
            assertTrue(r.ok() && r.out().isBlank() && r.err().isBlank(), c + ": " + r + "\n" + dsrlb.log());
            assertEquals(Lab.sha256(Lab.served(c.file())), Lab.sha256(out), c + ": file intact");
        }
        Map<String, List<String>> served = Lab.servedBy();
        for (Case c : cases) {
            List<String> backends = served.get(c.src());
            assertTrue(backends != null && backends.size() == 1, c.src() + " served by " + backends + ": " + served);
        }
        assertEquals(0, Lab.directCount("tftp1"), "nothing to tftp1's real addresses");
        assertEquals(0, Lab.directCount("tftp2"), "nothing to tftp2's real addresses");
        assertEquals(0, clientCounter("from_real"), "every IPv6 reply came from the VIP6");
        assertTrue(clientCounter("from_vip") > 0, "replies from the VIP6 were counted");
        assertRouterHasTheLbsMacForTheVip6();
        assertStatListsTheIpv6Transfers(
                cases.stream().collect(Collectors.toMap(Case::src, Case::file, (first, last) -> last)));
    }

    /**
     * {@code dsrlb stat} (the status page's source) followed the IPv6 clients: each one's last
     * transfer is listed with its address and file once it has been silent for 3 s, and each
     * client is counted with both its requests (a client's second RRQ ends its first transfer
     * unlisted: TransferTracker).
     *
     * @param lastFile each client's last file
     */
    private void assertStatListsTheIpv6Transfers(Map<String, String> lastFile) throws Exception {
        List<String> expected = lastFile.entrySet().stream()
                .map(e -> e.getKey() + " " + e.getValue())
                .sorted()
                .toList();
        GlobalReport.Transfers t = null;
        List<String> listed = List.of();
        // 3 s of silence and a sweep (every 0.5 s) end the last one; each query starts a JVM.
        Thread.sleep(3_500);
        for (int i = 0; i < 10 && !listed.containsAll(expected); i++) {
            if (i > 0) {
                Thread.sleep(500);
            }
            t = ResponseReader.of(Lab.cli(socket, "stat", "lb", "vserver"))
                    .global()
                    .transfers();
            listed = t.recent().stream().map(x -> x.client() + " " + x.file()).toList();
        }
        assertTrue(listed.containsAll(expected), "finished transfers " + listed + ", expected " + expected);
        assertEquals(List.of(), t.inProgress(), "all over");
        for (GlobalReport.Transfer x : t.recent()) {
            if (lastFile.containsKey(x.client())) {
                assertTrue(x.service().endsWith("-6"), "an IPv6 service: " + x);
            }
        }
        List<GlobalReport.Count> clients = t.topClients();
        for (String src : lastFile.keySet()) {
            assertTrue(clients.contains(new GlobalReport.Count(src, 2)), src + " with 2 requests in " + clients);
        }
        System.out.println("stat lists the IPv6 transfers: " + listed);
    }

    /** The client's IPv6 counter (lab/roles/ipv6.sh client): UDP packets by reply source. */
    static long clientCounter(String name) {
        Lab.Result r = Lab.check(
                Lab.inNamespace(Lab.CLIENT_NS, 10, "nft", "list", "counter", "ip6", "dsrlblab", name), "nft counter");
        Matcher m = Pattern.compile("packets (\\d+)").matcher(r.out());
        assertTrue(m.find(), r.out());
        return Long.parseLong(m.group(1));
    }

    @Test
    @Order(3)
    void twentyIpv6ClientsAtOnceAllIntactEachOnOneBackendBothUsed() {
        storm("native", List.of(), 20);
    }

    @Test
    @Order(4)
    void ipv4AndIpv6ClientsAtOnceInTheSameRun() {
        storm("native, IPv4 and IPv6 at once", List.of("v4"), 40);
    }

    @Test
    @Order(5)
    void withTxChecksumOffloadTheFramesDsrlbForwardsCarryCompleteUdpChecksums() throws Exception {
        Lab.Result k = Lab.check(Lab.inNamespace(Lab.CLIENT_NS, 10, "ethtool", "-k", "eth0"), "ethtool -k");
        assertTrue(k.out().contains("tx-checksumming: on"), "lab/up's default: offload on\n" + k.out());
        // What the router puts on the server LAN and what dsrlb puts there, during one download.
        Capture fromRouter = Capture.start(
                dir.resolve("from-router.txt"),
                "dsrlb-sw",
                30,
                "p-router",
                "ether src " + ROUTER_SERVER_MAC + " and ip6 and udp",
                "-vv",
                "-c",
                "10");
        Capture fromDsrlb = Capture.start(
                dir.resolve("from-dsrlb.txt"),
                "dsrlb-sw",
                30,
                "p-lb",
                // The LB host's kernel shares the MAC: its own (monitor) frames come from ::10, not from clients.
                "ether src " + Lab.lbMac() + " and ip6 and udp and src net 2001:db8:1::/64",
                "-vv",
                "-c",
                "10");
        Lab.Result r = TftpClient.CURL.download(VIP6, "m5.bin", dir.resolve("offload6"), client6(100), 60);
        String router = fromRouter.stop();
        String forwarded = fromDsrlb.stop();
        assertTrue(r.ok(), r + "\n" + dsrlb.log());
        assertEquals(Lab.sha256(Lab.served("m5.bin")), Lab.sha256(dir.resolve("offload6")));
        assertTrue(
                router.contains("bad udp cksum"),
                "with offload on the client's UDP crosses the router with a partial checksum:\n" + router);
        assertTrue(forwarded.contains("udp sum ok"), "dsrlb's frames, checked by tcpdump:\n" + forwarded);
        assertFalse(forwarded.contains("bad udp cksum"), "dsrlb completed every checksum:\n" + forwarded);

        Lab.offload(false);
        try {
            for (TftpClient c : List.of(TftpClient.CURL, TftpClient.TFTP_HPA)) {
                Path out = dir.resolve("offload-off-" + c);
                Lab.Result off = c.download(VIP6, "ARDBP32.BIN", out, client6(101), 60);
                assertTrue(off.ok() && off.out().isBlank() && off.err().isBlank(), "offload off, " + c + ": " + off);
                assertEquals(sha, Lab.sha256(out));
            }
        } finally {
            Lab.offload(true);
        }
    }

    @Test
    @Order(6)
    void thePcapEngineServesTheVip6Too() throws Exception {
        restart("pcap", "--engine", "pcap");
        storm("pcap", List.of("v4"), 60);
        assertRouterHasTheLbsMacForTheVip6();
    }

    /**
     * The default engine (auto) as a new user runs it: whichever engine it picks for a config
     * with a VIP6, IPv6 clients must be served. The log says which one it took (printed for the
     * report).
     */
    @Test
    @Order(7)
    void theDefaultEngineServesTheVip6Too() throws Exception {
        restart("auto");
        String log = dsrlb.log();
        log.lines()
                .filter(l -> l.contains("engine") || l.contains("offload") || l.contains("IPv6"))
                .forEach(l -> System.out.println("dsrlb (auto)| " + l));
        // A VIP6 no longer costs the IPv4 VIP its kernel fast path.
        assertTrue(log.contains("engine offload (chosen by --engine auto)"), log);
        storm("default engine", List.of("v4"), 80);
        assertRouterHasTheLbsMacForTheVip6();
    }

    /**
     * {@code --engine offload} with a VIP6 in the config: both families' ACKs are forwarded by
     * the kernel once dsrlb picked a backend (the VIP's map lists every client, IPv4 in the
     * ipv4_addr map, IPv6 in the ipv6_addr one), dsrlb receives a small part of the frames the
     * transfers took, and the router still finds the VIP6 (Neighbor Discovery reaches dsrlb
     * through the netdev table).
     */
    @Test
    @Order(8)
    void theOffloadEngineForwardsBothFamiliesInTheKernel() throws Exception {
        restart("offload", "--engine", "offload");
        String log = dsrlb.log();
        assertTrue(log.contains(", engine offload\n"), log);
        Lab.inNamespace(Lab.ROUTER_NS, 10, "ip", "-6", "neigh", "flush", "to", VIP6);
        GlobalReport before = stat();
        storm("offload", List.of("v4"), 100);
        // The kernel's view is read back once a second.
        Thread.sleep(2_200);
        GlobalReport after = stat();
        assertRouterHasTheLbsMacForTheVip6();
        String map4 = kernelMap("ipv4_addr");
        String map6 = kernelMap("ipv6_addr");
        for (int i = 0; i < CLIENTS; i++) {
            assertTrue(map4.contains(client4(100 + i) + " "), client4(100 + i) + " in the IPv4 map:\n" + map4);
            assertTrue(map6.contains(client6(100 + i) + " "), client6(100 + i) + " in the IPv6 map:\n" + map6);
        }
        long kernel = after.kernelPath().packets() - before.kernelPath().packets();
        long seen = after.received() - before.received();
        // A 256 KiB transfer is over within tens of milliseconds, about as long as a decision
        // takes to land in the kernel: in the storm both paths carry a share (printed).
        System.out.printf(
                Locale.ROOT,
                "offload, IPv4 and IPv6 at once: kernel forwarded %d packets, dsrlb received %d frames, "
                        + "%d clients in the maps%n",
                kernel,
                seen,
                after.kernelPath().clients());
        assertTrue(kernel > 0, "kernel forwarded " + kernel);
        assertEquals(0, after.kernelPath().failures(), after.toString());

        // One IPv6 client's 5 MiB download: 10 240 ACKs, the kernel's once its element landed.
        GlobalReport one = stat();
        Path out = dir.resolve("offload6-m5");
        Lab.Result r = TftpClient.CURL.download(VIP6, "m5.bin", out, client6(150), 60);
        assertTrue(r.ok(), r + "\n" + dsrlb.log());
        assertEquals(Lab.sha256(Lab.served("m5.bin")), Lab.sha256(out));
        Thread.sleep(2_200);
        GlobalReport done = stat();
        long kernel6 = done.kernelPath().packets() - one.kernelPath().packets();
        long seen6 = done.received() - one.received();
        System.out.printf(
                Locale.ROOT,
                "offload, one IPv6 client's 5 MiB: kernel forwarded %d packets, dsrlb received %d frames%n",
                kernel6,
                seen6);
        assertTrue(kernelMap("ipv6_addr").contains(client6(150) + " "), kernelMap("ipv6_addr"));
        assertTrue(kernel6 >= 10_000, "the kernel forwarded " + kernel6 + " of the IPv6 client's ACKs");
        assertTrue(seen6 < 200, "dsrlb received " + seen6 + " frames for one IPv6 client's 5 MiB download");
        assertEquals(0, done.kernelPath().failures(), done.toString());
    }

    /** `nft list map` of the lb namespace's dsrlb table: the map whose key type is {@code type}. */
    private static String kernelMap(String type) {
        String tables = Lab.check(Lab.inNamespace(Lab.LB_NS, 10, "nft", "list", "tables", "netdev"), "nft list tables")
                .out();
        Matcher t = Pattern.compile("table netdev (dsrlb_\\d+)").matcher(tables);
        assertTrue(t.find(), tables);
        for (int vip = 0; vip < 2; vip++) {
            String map = Lab.check(
                            Lab.inNamespace(Lab.LB_NS, 10, "nft", "list", "map", "netdev", t.group(1), "client_" + vip),
                            "nft list map")
                    .out();
            if (map.contains("type " + type + " ")) {
                return map;
            }
        }
        throw new AssertionError("no " + type + " map in " + t.group(1));
    }

    private GlobalReport stat() throws Exception {
        return ResponseReader.of(Lab.cli(socket, "stat", "lb", "vserver")).global();
    }

    /**
     * Over the whole class (dsrlb started three more times under the capture): every Neighbor
     * Advertisement for the VIP6 came from dsrlb's MAC, none from a backend (they hold the VIP6
     * on lo and the kernel answers only for the receiving interface's addresses), and dsrlb
     * announced the VIP6 unsolicited when it started.
     */
    @Test
    @Order(9)
    void onlyDsrlbEverAdvertisedTheVip6AndItAnnouncedItAtStart() throws Exception {
        String all = ndp.stop();
        List<String> advertisements = all.lines()
                .filter(l -> l.contains("neighbor advertisement") && l.contains("tgt is " + VIP6 + ","))
                .toList();
        assertFalse(advertisements.isEmpty(), "dsrlb advertised the VIP6:\n" + all);
        String lbMac = Lab.lbMac();
        for (String na : advertisements) {
            assertTrue(na.startsWith(lbMac + " > "), "an advertisement for the VIP6 not from dsrlb: " + na);
        }
        for (String mac : BACKEND_MACS) {
            assertTrue(
                    all.lines().noneMatch(l -> l.startsWith(mac + " > ") && l.contains("tgt is " + VIP6 + ",")),
                    "backend " + mac + " answered for the VIP6:\n" + all);
        }
        long unsolicited =
                advertisements.stream().filter(l -> l.contains(" > ff02::1: ")).count();
        assertTrue(unsolicited >= 3, "an unsolicited NA to all-nodes at each of the three restarts:\n" + all);
        System.out.printf(
                Locale.ROOT,
                "NDP for the VIP6: %d advertisements from dsrlb (%d unsolicited), none from a backend%n",
                advertisements.size(),
                unsolicited);
    }

    @AfterAll
    void stopCapture() {
        if (ndp != null) {
            ndp.stop();
        }
    }

    private void restart(String engine, String... engineArgs) throws IOException {
        dsrlb.close();
        List<String> args = new ArrayList<>(List.of(engineArgs));
        args.addAll(List.of("--control-socket", socket.toString()));
        dsrlb = DsrlbProcess.start(config(), args.toArray(String[]::new));
        System.out.println("dsrlb restarted, engine " + engine);
    }

    /**
     * {@link #CLIENTS} IPv6 clients (curl, each from its own address) fetch ARDBP32.BIN through
     * the VIP6 at once, with as many IPv4 clients through the IPv4 VIP when {@code families}
     * names "v4". Every file intact, every client on exactly one backend, both backends used in
     * each family, nothing to the backends' real addresses.
     *
     * @param firstClient the first extra client address index; each storm takes fresh ones
     */
    private void storm(String what, List<String> families, int firstClient) {
        Lab.resetServedBy();
        record Client(String vip, String src) {}
        List<Client> clients = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            clients.add(new Client(VIP6, client6(firstClient + i)));
            if (families.contains("v4")) {
                clients.add(new Client(Lab.VIP, client4(firstClient + i)));
            }
        }
        List<Callable<Lab.Result>> downloads = new ArrayList<>();
        for (Client c : clients) {
            Path out = dir.resolve("storm-" + c.src().replace(':', '_'));
            downloads.add(() -> {
                Lab.Result r = TftpClient.CURL.download(c.vip(), "ARDBP32.BIN", out, c.src(), 60);
                return r.ok() && !sha.equals(Lab.sha256(out))
                        ? new Lab.Result(-3, r.out(), "sha256 " + Lab.sha256(out) + ", expected " + sha)
                        : r;
            });
        }
        ExecutorService pool = Executors.newFixedThreadPool(clients.size());
        List<String> failed = new ArrayList<>();
        try {
            List<Future<Lab.Result>> results = pool.invokeAll(downloads, 90, TimeUnit.SECONDS);
            for (int i = 0; i < clients.size(); i++) {
                Lab.Result r = results.get(i).get();
                if (!r.ok()) {
                    failed.add(clients.get(i) + ": " + r);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } catch (ExecutionException | CancellationException e) {
            throw new AssertionError(what + ": a download did not finish within 90 s", e);
        } finally {
            pool.shutdownNow();
        }
        assertTrue(
                failed.isEmpty(),
                what + ": " + failed.size() + " of " + clients.size() + " failed:\n" + String.join("\n", failed) + "\n"
                        + dsrlb.log());

        Map<String, List<String>> served = Lab.servedBy();
        int[] v6 = new int[2];
        int[] v4 = new int[2];
        for (Client c : clients) {
            List<String> backends = served.get(c.src());
            assertTrue(
                    backends != null && backends.size() == 1,
                    what + ": " + c.src() + " served by " + backends + " (" + served + ")");
            (c.vip().equals(VIP6) ? v6 : v4)[backends.get(0).equals("tftp1") ? 0 : 1]++;
        }
        System.out.printf(
                Locale.ROOT,
                "%s: %d clients intact; IPv6 tftp1 %d, tftp2 %d; IPv4 tftp1 %d, tftp2 %d%n",
                what,
                clients.size(),
                v6[0],
                v6[1],
                v4[0],
                v4[1]);
        assertTrue(v6[0] >= CLIENTS / 4 && v6[1] >= CLIENTS / 4, what + ": ROUNDROBIN uses both for IPv6");
        if (families.contains("v4")) {
            assertTrue(v4[0] >= CLIENTS / 4 && v4[1] >= CLIENTS / 4, what + ": ROUNDROBIN uses both for IPv4");
        }
        assertEquals(0, Lab.directCount("tftp1"), what + ": nothing to tftp1's real addresses");
        assertEquals(0, Lab.directCount("tftp2"), what + ": nothing to tftp2's real addresses");
    }

    /** tcpdump in a lab namespace writing text to a file; bounded by {@code timeout} and its -c. */
    static final class Capture {
        private final Process process;
        private final Path text;

        private Capture(Process process, Path text) {
            this.process = process;
            this.text = text;
        }

        static Capture start(Path text, String ns, int seconds, String iface, String filter, String... options)
                throws IOException, InterruptedException {
            List<String> cmd = new ArrayList<>(List.of(
                    "ip",
                    "netns",
                    "exec",
                    ns,
                    "timeout",
                    Integer.toString(seconds),
                    "tcpdump",
                    "-i",
                    iface,
                    "-nn",
                    "-e",
                    "-t",
                    "-l",
                    "--immediate-mode"));
            cmd.addAll(List.of(options));
            cmd.add(filter);
            Process p = new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(text.toFile())
                    .start();
            Capture c = new Capture(p, text);
            for (int i = 0; i < 50 && !c.text().contains("listening on"); i++) {
                Thread.sleep(100);
            }
            assertTrue(c.text().contains("listening on"), "tcpdump started: " + c.text());
            return c;
        }

        String text() {
            try {
                return Files.readString(text, StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "(capture unreadable: " + e + ")";
            }
        }

        /** Ends the capture (SIGTERM; tcpdump flushes) and returns what it saw. */
        String stop() {
            if (process.isAlive()) {
                // ip netns exec execs timeout, whose SIGTERM reaches tcpdump.
                process.destroy();
                try {
                    process.waitFor(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                process.destroyForcibly();
            }
            return text();
        }
    }
}
