package dsrlb.offload;

import dsrlb.balance.ForwardingState;
import dsrlb.balance.PoolSnapshot;
import dsrlb.balance.ServiceView;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries the kernel's clients across a reload, where service ids may come to mean other
 * services: they are matched by name, not by id.
 */
final class ReloadReconciler {
    // The writer's lines keep the name operators know from before it was split up.
    private static final Logger log = LoggerFactory.getLogger(OffloadProgrammer.class);

    private final KernelTable table;
    private final MapWriter writer;
    private final OffloadCounters counters;

    ReloadReconciler(KernelTable table, MapWriter writer, OffloadCounters counters) {
        this.table = table;
        this.writer = writer;
        this.counters = counters;
    }

    /**
     * Keeps each client whose service, found by name, is still bound to its VIP, takes clients
     * and has the MAC the kernel has; rebuilds the table when a VIP's kernel settings changed.
     *
     * @param old the state the mirror's service ids refer to
     */
    void regenerate(ForwardingState s, ForwardingState old, List<OffloadRuleset.VipRule> rules) {
        Map<InstalledClient.Key, InstalledClient> mirror = table.mirror;
        if (!rules.equals(table.ruleset().vips())) {
            table.useRules(table.ruleset().withVips(rules), s.vipCount());
            counters.keepCounts();
            int had = mirror.size();
            mirror.clear();
            try {
                table.nft.run(table.ruleset().create());
                log.info(
                        "offload: a vserver's kernel settings changed: table {} rebuilt, its {} clients are "
                                + "learnt again from their next packet",
                        table.ruleset().table(),
                        had);
            } catch (Nftables.NftablesException e) {
                counters.failed("offload: rebuilding table " + table.ruleset().table() + " failed: " + e.getMessage());
            }
            return;
        }
        Map<String, Integer> idByName = new HashMap<>();
        for (ServiceView v : s.services()) {
            idByName.put(v.name(), v.id());
        }
        List<MapWriter.Write> writes = new ArrayList<>();
        int kept = 0;
        for (Map.Entry<InstalledClient.Key, InstalledClient> e : mirror.entrySet()) {
            InstalledClient in = e.getValue();
            InstalledClient.Key key = e.getKey();
            String name = in.serviceId() < old.services().length ? old.services()[in.serviceId()].name() : null;
            Integer id = name == null ? null : idByName.get(name);
            InstalledClient renamed = id == null ? null : new InstalledClient(id, in.mac(), in.writtenNanos());
            if (renamed != null && renamed.stillHeld(s) && bound(s, key.vip(), id)) {
                e.setValue(renamed);
                kept++;
            } else {
                writes.add(writer.remove(key, in));
            }
        }
        log.info("offload: reload keeps {} clients in the kernel, takes {} back", kept, writes.size());
        writer.apply(writes, counters.removals);
    }

    private static boolean bound(ForwardingState s, int vip, int serviceId) {
        if (vip >= s.routesByVip().length) {
            return false;
        }
        for (ForwardingState.Route r : s.routesByVip()[vip]) {
            for (PoolSnapshot.BoundService b : r.vserver().bindings()) {
                if (b.serviceId() == serviceId) {
                    return true;
                }
            }
        }
        return false;
    }
}
