package dsrlb.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dsrlb.balance.LoadBalancer;
import dsrlb.balance.TestConfigs;
import dsrlb.config.DsrConfig;
import dsrlb.config.LbMethod;
import dsrlb.config.PersistenceType;
import dsrlb.config.ServiceConfig;
import dsrlb.dataplane.Counters;
import dsrlb.status.LiveStatus;
import dsrlb.status.ServiceReport;
import dsrlb.testing.FakeTicker;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A reload carries persisted clients over; the new balancer's per-service counts must follow them. */
class StateTransferTest {
    private static DsrConfig config(int services) {
        return TestConfigs.anyStar(services, LbMethod.ROUNDROBIN, PersistenceType.SOURCEIP, 100, 1_000_000);
    }

    private static Map<String, Long> persisted(LoadBalancer lb) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (ServiceReport s : new LiveStatus(lb, new Counters(), null, Clock.systemUTC()).services()) {
            out.put(s.name(), s.persistedClients());
        }
        return out;
    }

    @Test
    void carriedClientsCountOnTheirServiceInTheNewBalancer() {
        LoadBalancer from = new LoadBalancer(config(3), new FakeTicker(), 251);
        for (int c = 0; c < 9; c++) {
            from.vservers().get(0).persistence().remember(c, c % 3);
        }
        // The new config lists the services in another order (other ids) and drops tftp3.
        DsrConfig three = config(2);
        List<String> names = new ArrayList<>(three.services().keySet());
        Map<String, ServiceConfig> reversed = new LinkedHashMap<>();
        for (int i = names.size() - 1; i >= 0; i--) {
            reversed.put(names.get(i), three.services().get(names.get(i)));
        }
        DsrConfig next =
                new DsrConfig(three.vips(), three.routes(), three.servers(), reversed, three.vservers(), List.of());
        LoadBalancer to = new LoadBalancer(next, new FakeTicker(), 251);
        assertEquals(1, to.serviceId("tftp1"), "ids changed with the order");

        StateTransfer.Summary summary = StateTransfer.carry(from, to);

        assertEquals(6, summary.persistedClients());
        assertEquals(Map.of("tftp2", 3L, "tftp1", 3L), persisted(to));
        assertEquals(
                Map.of("tftp1", 3L, "tftp2", 3L, "tftp3", 3L), persisted(from), "the old balancer is left as it was");
    }
}
