package dsrlb.balance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dsrlb.config.DsrConfig;
import dsrlb.config.LbMethod;
import dsrlb.config.PersistenceType;
import dsrlb.net.Ipv4;
import dsrlb.net.MacAddress;
import dsrlb.testing.FakeTicker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VserverTest {
    private final FakeTicker ticker = new FakeTicker();
    private ForwardingState state;

    private LoadBalancer balancer(DsrConfig cfg) {
        LoadBalancer lb = new LoadBalancer(cfg, ticker, 251);
        lb.subscribe(s -> state = s);
        for (int i = 0; i < cfg.services().size(); i++) {
            lb.setMac(i, MacAddress.parse(String.format("02:00:00:00:00:%02x", 0x30 + i)));
            lb.setHealth(i, ServiceStatus.UP, "test");
        }
        return lb;
    }

    private int pick(int client) {
        ForwardingState.Route r = state.match(0, 17, 69);
        return r.vserver().pick(client, r.pool(), state.services());
    }

    private static int client(int i) {
        return Ipv4.parse("192.0.2.0") + i;
    }

    @Test
    void roundRobinTakesServicesInBindingOrder() {
        balancer(TestConfigs.anyStar(3, LbMethod.ROUNDROBIN, PersistenceType.NONE, 2, 100));
        List<Integer> picks = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            picks.add(pick(client(1)));
        }
        assertEquals(List.of(0, 1, 2, 0, 1, 2), picks);
    }

    @Test
    void weightedRoundRobinIsSmooth() {
        balancer(TestConfigs.anyStar(2, LbMethod.ROUNDROBIN, PersistenceType.NONE, 2, 100, 3, 1));
        List<Integer> picks = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            picks.add(pick(client(i)));
        }
        // nginx's smooth WRR for weights 3:1 spreads the light one out: a a b a | a a b a.
        assertEquals(List.of(0, 0, 1, 0, 0, 0, 1, 0), picks);
    }

    @Test
    void persistenceKeepsAClientOnItsServiceAndRoundRobinsNewOnes() {
        balancer(TestConfigs.seed());
        int first = pick(client(1));
        int second = pick(client(2));
        assertNotEquals(first, second);
        for (int i = 0; i < 50; i++) {
            assertEquals(first, pick(client(1)));
            assertEquals(second, pick(client(2)));
        }
    }

    @Test
    void persistenceExpiresAfterTheIdleTimeoutNotBefore() {
        balancer(TestConfigs.anyStar(2, LbMethod.ROUNDROBIN, PersistenceType.SOURCEIP, 2, 100));
        Vserver vs = state.match(0, 17, 69).vserver();
        int a = pick(client(1));
        // Keep it busy past the timeout: access renews it.
        for (int i = 0; i < 5; i++) {
            ticker.advance(Duration.ofSeconds(90));
            assertEquals(a, pick(client(1)));
        }
        assertEquals(a, vs.persistence().lookup(client(1)));
        ticker.advance(Duration.ofMinutes(2).plusSeconds(1));
        assertEquals(-1, vs.persistence().lookup(client(1)), "idle longer than -timeout: forgotten");
    }

    @Test
    void persistenceTableIsBoundedInSize() {
        balancer(TestConfigs.anyStar(2, LbMethod.ROUNDROBIN, PersistenceType.SOURCEIP, 100, 1000));
        Vserver vs = state.match(0, 17, 69).vserver();
        for (int i = 0; i < 10_000; i++) {
            pick(client(i));
        }
        assertTrue(vs.persistence().size() <= 1000, "size " + vs.persistence().size());
    }

    @Test
    void aClientOfAServiceThatGoesDownIsRepickedAndStaysOnItsNewService() {
        LoadBalancer lb = balancer(TestConfigs.seed());
        Vserver vs = state.match(0, 17, 69).vserver();
        int c = client(7);
        int first = pick(c);
        lb.setHealth(first, ServiceStatus.DOWN, "test: down");
        int second = pick(c);
        assertNotEquals(first, second);
        assertEquals(1, vs.repicks());
        lb.setHealth(first, ServiceStatus.UP, "test: up");
        assertEquals(second, pick(c), "coming back UP does not move persisted clients");
    }

    @Test
    void noEligibleServiceGivesMinusOne() {
        LoadBalancer lb = balancer(TestConfigs.seed());
        lb.setMac(0, null);
        lb.setAdminEnabled(1, false);
        assertEquals(-1, pick(client(1)));
        assertEquals(ServiceStatus.DOWN, state.services()[0].status());
        assertEquals(ServiceStatus.OUT_OF_SERVICE, state.services()[1].status());
    }

    @Test
    void sourceIpHashIsTheSameOnTwoIndependentBalancers() {
        DsrConfig cfg = TestConfigs.anyStar(3, LbMethod.SOURCEIPHASH, PersistenceType.NONE, 2, 100);
        balancer(cfg);
        ForwardingState first = state;
        Map<Integer, Integer> a = new HashMap<>();
        for (int i = 0; i < 3000; i++) {
            a.put(i, pick(client(i)));
        }
        balancer(cfg); // a second node, built from scratch
        assertNotEquals(first, state);
        int[] perService = new int[3];
        for (int i = 0; i < 3000; i++) {
            int s = pick(client(i));
            assertEquals(a.get(i), s, "client " + i);
            perService[s]++;
        }
        for (int n : perService) {
            assertTrue(n > 800 && n < 1200, "spread " + java.util.Arrays.toString(perService));
        }
    }

    @Test
    void sourceIpHashMovesOnlyTheClientsOfARemovedService() {
        LoadBalancer lb = balancer(TestConfigs.anyStar(3, LbMethod.SOURCEIPHASH, PersistenceType.NONE, 2, 100));
        int[] before = new int[3000];
        for (int i = 0; i < before.length; i++) {
            before[i] = pick(client(i));
        }
        lb.setHealth(2, ServiceStatus.DOWN, "test");
        int moved = 0;
        for (int i = 0; i < before.length; i++) {
            int now = pick(client(i));
            assertNotEquals(2, now);
            if (before[i] != 2 && now != before[i]) {
                moved++;
            }
        }
        // Maglev is nearly minimal-disruption: a few percent of the others may move.
        assertTrue(moved < before.length / 20, "moved " + moved);
    }
}
