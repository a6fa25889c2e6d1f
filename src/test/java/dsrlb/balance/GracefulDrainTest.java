package dsrlb.balance;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dsrlb.net.Ipv4;
import dsrlb.net.MacAddress;
import dsrlb.testing.FakeTicker;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class GracefulDrainTest {
    static final long IDLE = Duration.ofSeconds(3).toNanos();
    ForwardingState state;
    final LoadBalancer lb = new LoadBalancer(TestConfigs.seed(), new FakeTicker(), 251);

    GracefulDrainTest() {
        lb.subscribe(s -> state = s);
        lb.setMac(0, MacAddress.parse("02:00:00:00:00:30"));
        lb.setMac(1, MacAddress.parse("02:00:00:00:00:31"));
    }

    private int pick(String client) {
        ForwardingState.Route r = state.match(0, 17, 69);
        int id = r.vserver().pick(Ipv4.parse(client), r.pool(), state.services());
        lb.countForwarded(id, 100);
        return id;
    }

    @Test
    void drainingKeepsItsClientsTakesNoNewOnesAndEndsWhenTheyAreIdle() {
        assertEquals(0, pick("192.0.2.100"));
        lb.disableGracefully(0, Duration.ZERO, System.nanoTime());
        assertEquals(ServiceStatus.GOING_OUT_OF_SERVICE, state.services()[0].status());

        for (int i = 101; i < 105; i++) {
            assertEquals(1, pick("192.0.2." + i), "new clients avoid the draining service");
        }
        assertEquals(0, pick("192.0.2.100"), "its running client stays");

        lb.finishDrains(System.nanoTime(), IDLE);
        assertEquals(ServiceStatus.GOING_OUT_OF_SERVICE, state.services()[0].status(), "client active just now");

        lb.finishDrains(System.nanoTime() + IDLE, IDLE);
        assertEquals(ServiceStatus.OUT_OF_SERVICE, state.services()[0].status());
        assertEquals(1, pick("192.0.2.100"), "after the drain the client is re-picked");

        lb.setAdminEnabled(0, true);
        assertEquals(ServiceStatus.UP, state.services()[0].status());
    }

    @Test
    void theDelayEndsADrainEvenWithBusyClients() {
        pick("192.0.2.100");
        long now = System.nanoTime();
        lb.disableGracefully(0, Duration.ofSeconds(10), now);
        pick("192.0.2.100");
        lb.finishDrains(now + Duration.ofSeconds(9).toNanos(), Long.MAX_VALUE);
        assertEquals(ServiceStatus.GOING_OUT_OF_SERVICE, state.services()[0].status());
        lb.finishDrains(now + Duration.ofSeconds(10).toNanos(), Long.MAX_VALUE);
        assertEquals(ServiceStatus.OUT_OF_SERVICE, state.services()[0].status());
    }

    @Test
    void disablingAtOnceMovesClientsAtTheirNextPacket() {
        assertEquals(0, pick("192.0.2.100"));
        lb.setAdminEnabled(0, false);
        assertEquals(ServiceStatus.OUT_OF_SERVICE, state.services()[0].status());
        assertEquals(1, pick("192.0.2.100"));
    }
}
