package dsrlb.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dsrlb.control.ControlClient;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Scale-out announced by a real BGP daemon (lab/up --bgp): BIRD 2 on both LB nodes and on the
 * router, with examples/bird/*.conf as they are. Each dsrlb runs with {@code --announce-interface
 * dsrlb-up}; BIRD announces the VIP while that TUN interface is up. The router's ECMP route is
 * what BIRD learnt; a node that loses its services, turns standby or whose dsrlb is SIGKILLed leaves it within
 * 3 s, and a 200-client storm across the kill finishes intact, each client on one backend
 * (SOURCEIPHASH: both nodes pick the same one).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BgpIT {
    static final String ANNOUNCE = "dsrlb-up";
    static final String VIA_LB = "via 198.51.100.10 ";
    static final String VIA_LB2 = "via 198.51.100.11 ";
    static final double WITHDRAW_BUDGET_SECONDS = 3.0;

    DsrlbProcess lb1;
    DsrlbProcess lb2;

    @BeforeAll
    void start() throws IOException {
        Lab.requireNamespaces();
        Lab.down();
        Lab.up("--bgp");
        lb1 = DsrlbProcess.start(
                HaIT.CONFIG, "--control-socket", HaIT.socket("lb").toString(), "--announce-interface", ANNOUNCE);
        lb2 = DsrlbProcess.startIn(
                HaIT.LB2_NS,
                HaIT.CONFIG,
                "--control-socket",
                HaIT.socket("lb2").toString(),
                "--announce-interface",
                ANNOUNCE);
    }

    @AfterAll
    void stop() {
        for (DsrlbProcess p : new DsrlbProcess[] {lb1, lb2}) {
            if (p != null) {
                p.stop()
                        .lines()
                        .filter(l -> l.contains("announce") || l.contains("counters"))
                        .forEach(l -> System.out.println("dsrlb| " + l));
                p.close();
            }
        }
        System.out.println(Lab.runQuietly(5, "sh", "-c", "tail -n 15 " + Lab.DIR + "/bird-router.log")
                .out());
        Lab.down();
    }

    /** The router's route to the VIP, as the kernel has it ("" when there is none). */
    static String route() {
        return Lab.inNamespace(Lab.ROUTER_NS, 5, "ip", "route", "show", Lab.VIP + "/32")
                .out()
                .strip();
    }

    static boolean bothNodes(String route) {
        return route.contains("proto bird") && route.contains(VIA_LB) && route.contains(VIA_LB2);
    }

    /** Seconds from {@code since} until the route satisfies {@code wanted}, polled; -1 after 10 s. */
    static double until(long since, Predicate<String> wanted) {
        while (System.nanoTime() - since < Duration.ofSeconds(10).toNanos()) {
            if (wanted.test(route())) {
                return (System.nanoTime() - since) / 1e9;
            }
            HaIT.sleep(5);
        }
        return -1;
    }

    static String request(String lb, String line) throws IOException {
        return ControlClient.request(HaIT.socket(lb), line, Duration.ofSeconds(5));
    }

    static String announce(String lb) throws IOException {
        return StormIT.field(request(lb, "ha status"), "announce");
    }

    @Test
    @Order(1)
    void bothNodesAnnounceTheVipAndTheRouterLearnsAnEcmpRouteFromBird() throws IOException {
        double both = until(System.nanoTime(), BgpIT::bothNodes);
        String r = route();
        System.out.println("router: " + r.replace('\n', ' '));
        assertTrue(both >= 0, "two next hops learnt by bird: " + r);
        assertEquals(
                2, r.lines().filter(l -> l.strip().startsWith("nexthop via")).count(), r);
        String peers = Lab.runQuietly(
                        5, "birdc", "-s", Lab.DIR.resolve("bird-router.ctl").toString(), "show", "route", "all")
                .out();
        assertTrue(peers.contains("AS64513"), peers);
        for (String lb : new String[] {"lb", "lb2"}) {
            assertEquals("{\"interfaceName\":\"" + ANNOUNCE + "\",\"up\":true}", announce(lb), lb);
        }
        // The VIP stays off the nodes' kernels: no address, no route; BIRD keeps its route to itself.
        for (String ns : new String[] {Lab.LB_NS, HaIT.LB2_NS}) {
            assertEquals(
                    "",
                    Lab.inNamespace(ns, 5, "ip", "route", "show", Lab.VIP).out().strip(),
                    ns);
            assertFalse(Lab.inNamespace(ns, 5, "ip", "-4", "addr").out().contains(Lab.VIP), ns);
            String link = Lab.inNamespace(ns, 5, "ip", "link", "show", ANNOUNCE).out();
            assertTrue(link.contains(",UP,") && link.contains("LOWER_UP"), ns + ": " + link);
        }
    }

    @Test
    @Order(2)
    void aNodeWithoutAServiceUpWithdrawsWithinThreeSecondsAndComesBack() throws IOException {
        assertTrue(until(System.nanoTime(), BgpIT::bothNodes) >= 0, route());
        // The first through the CLI as an operator types it; the last one timed from the request.
        Lab.cli(HaIT.socket("lb2"), "disable", "service", "tftp1");
        assertTrue(bothNodes(route()), "one service left UP: still announced\n" + route());
        long t0 = System.nanoTime();
        String answer = request("lb2", "disable service tftp2");
        assertTrue(answer.contains("OUT OF SERVICE"), answer);
        double withdrawn = until(t0, r -> r.contains("proto bird") && !r.contains(VIA_LB2));
        String after = route();
        t0 = System.nanoTime();
        request("lb2", "enable service tftp2");
        double back = until(t0, BgpIT::bothNodes);
        Lab.cli(HaIT.socket("lb2"), "enable", "service", "tftp1");
        System.out.printf(
                Locale.ROOT,
                "lb2 without a service UP: its route withdrawn after %.3f s (%s); back %.3f s after enable%n",
                withdrawn,
                after.replace('\n', ' '),
                back);
        assertTrue(withdrawn >= 0 && withdrawn <= WITHDRAW_BUDGET_SECONDS, "withdrawn after " + withdrawn + " s");
        assertTrue(after.contains(VIA_LB), "lb still announces: " + after);
        assertTrue(back >= 0 && back <= WITHDRAW_BUDGET_SECONDS, "announced again after " + back + " s");
        assertEquals("{\"interfaceName\":\"" + ANNOUNCE + "\",\"up\":true}", announce("lb2"));
    }

    @Test
    @Order(3)
    void aStandbyNodeWithdrawsAndAnActiveOneAnnouncesAgain() throws IOException {
        assertTrue(until(System.nanoTime(), BgpIT::bothNodes) >= 0, route());
        long t0 = System.nanoTime();
        String answer = request("lb2", "ha standby");
        assertTrue(answer.contains("\"up\":false"), "the answer says it withdrew: " + answer);
        double withdrawn = until(t0, r -> r.contains("proto bird") && !r.contains(VIA_LB2));
        t0 = System.nanoTime();
        request("lb2", "ha active");
        double back = until(t0, BgpIT::bothNodes);
        System.out.printf(
                Locale.ROOT,
                "lb2 standby: route withdrawn after %.3f s; active again: back after %.3f s%n",
                withdrawn,
                back);
        assertTrue(withdrawn >= 0 && withdrawn <= WITHDRAW_BUDGET_SECONDS, "withdrawn after " + withdrawn + " s");
        assertTrue(back >= 0 && back <= WITHDRAW_BUDGET_SECONDS, "announced again after " + back + " s");
    }

    @Test
    @Order(4)
    void aStormSurvivesTheSigkillOfOneNodesDsrlbWhoseRouteIsGoneWithinThreeSeconds() throws Exception {
        assertTrue(until(System.nanoTime(), BgpIT::bothNodes) >= 0, route());
        String sha = Lab.sha256(Lab.served("ARDBP32.BIN"));
        Lab.resetServedBy();
        long before1 = HaIT.forwarded("lb");
        long before2 = HaIT.forwarded("lb2");
        CompletableFuture<Lab.Result> storm = HaIT.storm(sha);

        // Kill lb's dsrlb once both nodes carry the storm: about half the clients' first packets
        // each (counted at once in user space; the kernel path's share every second).
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        long via1;
        long via2;
        while (((via1 = HaIT.forwarded("lb") - before1) < HaIT.CLIENTS / 2
                        || (via2 = HaIT.forwarded("lb2") - before2) < HaIT.CLIENTS / 2)
                && System.nanoTime() < deadline
                && !storm.isDone()) {
            HaIT.sleep(10);
        }
        via2 = HaIT.forwarded("lb2") - before2;
        assertFalse(storm.isDone(), "the storm ended before the kill");
        assertTrue(via1 >= HaIT.CLIENTS / 2 && via2 >= HaIT.CLIENTS / 2, "both carry the storm: " + via1 + ", " + via2);
        long killedAt = System.nanoTime();
        lb1.kill();
        double gone = until(killedAt, r -> r.contains("proto bird") && !r.contains(VIA_LB) && r.contains(VIA_LB2));
        String after = route();
        System.out.printf(
                Locale.ROOT,
                "lb's dsrlb SIGKILLed after lb %d, lb2 %d frames; route via lb gone from the router %.3f s later: %s%n",
                via1,
                via2,
                gone,
                after.replace('\n', ' '));
        assertTrue(gone >= 0 && gone <= WITHDRAW_BUDGET_SECONDS, "the route via lb went after " + gone + " s");
        assertEquals(
                "",
                Lab.inNamespace(Lab.LB_NS, 5, "ip", "link", "show", ANNOUNCE)
                        .out()
                        .strip(),
                "the kernel deleted dsrlb-up with its process");

        // Every client finishes intact, each on one backend, though half of them moved node.
        Map<String, String> backendOf = new HashMap<>();
        HaIT.checkStorm("storm across the SIGKILL of lb", storm.get(), sha, backendOf);
        // The storm may end before the route moves (the kernel path carries it in about 2 s), so
        // lb2's taking over lb's clients shows in a second storm: every client now comes through
        // lb2, and SOURCEIPHASH keeps each on the backend it had.
        long lb2Before = HaIT.forwarded("lb2");
        HaIT.checkStorm(
                "storm after the SIGKILL, through lb2 alone", HaIT.storm(sha).get(), sha, backendOf);
        long lb2Second = HaIT.forwarded("lb2") - lb2Before;
        System.out.printf(Locale.ROOT, "lb2 forwarded %d frames of the second storm%n", lb2Second);
        assertTrue(lb2Second > 0, "lb2 took over lb's clients: " + lb2Second);
    }
}
