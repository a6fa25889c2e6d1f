package dsrlb.daemon;

import dsrlb.balance.LoadBalancer;
import dsrlb.balance.PoolSnapshot;
import dsrlb.balance.ServiceStatus;
import dsrlb.balance.ServiceView;
import dsrlb.balance.Vserver;
import dsrlb.config.ConfigDiff;
import dsrlb.config.DsrConfig;
import dsrlb.config.MonitorBinding;
import dsrlb.config.ServiceConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Carries what a reload must not lose from one generation to the next, by service and vserver
 * name: a service whose definition and monitors are unchanged keeps its MAC, health, admin
 * state and counters; a vserver keeps its persisted clients whose service is still bound to it.
 */
public final class StateTransfer {
    private StateTransfer() {}

    /**
     * What a reload did to the services, by name, as the reload's log line tells it.
     *
     * @param unchanged services carried over whole
     * @param added services new in this config (they start as a fresh dsrlb would)
     * @param changed services whose definition or monitors changed (restarted)
     * @param removed services gone
     * @param persistedClients persistence entries carried over
     */
    public record Summary(
            Set<String> unchanged, Set<String> added, Set<String> changed, Set<String> removed, long persistedClients) {
        @Override
        public String toString() {
            return "services unchanged " + unchanged + ", added " + added + ", changed " + changed + ", removed "
                    + removed + "; " + persistedClients + " persisted clients kept";
        }
    }

    /** Services of {@code to} that may take over {@code from}'s state. */
    public static Set<String> unchangedServices(DsrConfig from, DsrConfig to) {
        Set<String> same = new TreeSet<>();
        for (ServiceConfig s : to.services().values()) {
            ServiceConfig before = from.services().get(s.name());
            if (before != null && ConfigDiff.same(before, s) && sameMonitors(from, to, s.name())) {
                same.add(s.name());
            }
        }
        return same;
    }

    private static boolean sameMonitors(DsrConfig from, DsrConfig to, String service) {
        List<Object> a = monitorsOf(from, service);
        List<Object> b = monitorsOf(to, service);
        return ConfigDiff.same(a, b);
    }

    private static List<Object> monitorsOf(DsrConfig cfg, String service) {
        List<Object> out = new ArrayList<>();
        for (MonitorBinding b : cfg.monitorBindings()) {
            if (b.service().equals(service)) {
                out.add(b.monitor());
                out.add(cfg.monitors().get(b.monitor()));
            }
        }
        return out;
    }

    /** Copies state from the running balancer into the new one, before the new one is published. */
    public static Summary carry(LoadBalancer from, LoadBalancer to) {
        Set<String> unchanged = unchangedServices(from.config(), to.config());
        List<ServiceView> views = from.serviceViews();
        for (String name : unchanged) {
            int old = from.serviceId(name);
            int now = to.serviceId(name);
            ServiceView v = views.get(old);
            if (v.mac() != null) {
                to.setMac(now, v.mac());
            }
            if (v.status() == ServiceStatus.OUT_OF_SERVICE) {
                to.setAdminEnabled(now, false);
            } else if (v.status() == ServiceStatus.GOING_OUT_OF_SERVICE) {
                to.disableGracefully(now, Duration.ZERO, System.nanoTime());
            }
            to.carryCounters(now, from.forwardedPackets(old), from.forwardedBytes(old));
        }
        // The carried MACs are in the new state before it reaches the packet path, not a pacer's
        // interval later.
        to.flush();
        to.carryRebuilds(from.rebuilds());
        long kept = 0;
        for (Vserver nv : to.vservers()) {
            Vserver ov = from.vservers().stream()
                    .filter(v -> v.config().name().equals(nv.config().name()))
                    .findFirst()
                    .orElse(null);
            if (ov == null || ov.persistence() == null || nv.persistence() == null) {
                continue;
            }
            Set<Integer> bound = nv.bindings().stream()
                    .map(PoolSnapshot.BoundService::serviceId)
                    .collect(Collectors.toSet());
            long[] n = {0};
            ov.persistence().forEach((high, low, oldId) -> {
                int id = to.serviceId(from.services().get(oldId).name());
                if (id >= 0 && bound.contains(id)) {
                    nv.persistence().remember(high, low, id);
                    n[0]++;
                }
            });
            kept += n[0];
        }
        Set<String> added = new TreeSet<>(to.config().services().keySet());
        added.removeAll(from.config().services().keySet());
        Set<String> removed = new TreeSet<>(from.config().services().keySet());
        removed.removeAll(to.config().services().keySet());
        Set<String> changed = new TreeSet<>(to.config().services().keySet());
        changed.removeAll(added);
        changed.removeAll(unchanged);
        return new Summary(unchanged, added, changed, removed, kept);
    }
}
