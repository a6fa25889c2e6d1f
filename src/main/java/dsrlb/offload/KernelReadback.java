package dsrlb.offload;

import dsrlb.balance.ForwardingState;
import dsrlb.balance.ServiceView;
import java.io.IOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Reads each map back: clients the kernel forgot leave the mirror; the others tell dsrlb they
 * are still active (the map's `update` re-arms an element's timeout on every packet, so timeout
 * minus expires is the client's idle time, to the second). Reads the kernel's counters too.
 */
final class KernelReadback {
    private final KernelTable table;
    private final OffloadCounters counters;
    private final OffloadProgrammer.KernelActivity activity;

    KernelReadback(KernelTable table, OffloadCounters counters, OffloadProgrammer.KernelActivity activity) {
        this.table = table;
        this.counters = counters;
        this.activity = activity;
    }

    void sync(ForwardingState s) {
        Map<String, Integer> serviceByMac = new HashMap<>();
        for (ServiceView v : s.services()) {
            if (v.mac() != null) {
                serviceByMac.putIfAbsent(v.mac().toString(), v.id());
            }
        }
        OffloadRuleset ruleset = table.ruleset();
        long[] entries = {0};
        long packets = 0;
        long bytes = 0;
        Set<InstalledClient.Key> present = new HashSet<>();
        for (int vip = 0; vip < table.vipCount(); vip++) {
            if (!table.offloaded(vip)) {
                continue;
            }
            int v = vip;
            long timeout = table.timeoutNanos(vip);
            try {
                // Streamed: the listing of a full map is tens of MB of text (issue 18).
                NftJson.ElementSink sink = el -> {
                    entries[0]++;
                    present.add(new InstalledClient.Key(v, el.clientHigh(), el.clientLow()));
                    Integer id = serviceByMac.get(el.mac());
                    if (id == null) {
                        return;
                    }
                    long idle = timeout > 0 && el.expiresSeconds() >= 0
                            ? Math.max(0, timeout - TimeUnit.SECONDS.toNanos(el.expiresSeconds()))
                            : 0;
                    activity.clientActive(v, el.clientHigh(), el.clientLow(), id, idle);
                };
                table.nft.run(ruleset.listMap(vip), in -> NftJson.mapElements(in, sink));
                long[] counter = NftJson.counter(table.nft.run(ruleset.listCounter(vip)));
                packets += counter[0];
                bytes += counter[1];
            } catch (IOException | RuntimeException e) {
                counters.failed("offload: reading the kernel map of VIP " + vip + " failed: " + e.getMessage());
                return;
            }
        }
        long now = System.nanoTime();
        for (Iterator<Map.Entry<InstalledClient.Key, InstalledClient>> it =
                        table.mirror.entrySet().iterator();
                it.hasNext(); ) {
            Map.Entry<InstalledClient.Key, InstalledClient> e = it.next();
            if (!present.contains(e.getKey()) && now - e.getValue().writtenNanos() >= MapWriter.REINSTALL_AFTER_NANOS) {
                it.remove();
            }
        }
        counters.kernelEntries.set(entries[0]);
        counters.kernelCounted(packets, bytes);
    }
}
