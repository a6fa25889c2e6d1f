package dsrlb.offload;

import dsrlb.balance.ForwardingState;
import dsrlb.balance.ServiceView;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the receive thread's decisions into map elements and takes clients out again; each
 * pass is one nft transaction, split into single writes only when the kernel refuses it.
 */
final class MapWriter {
    // The writer's lines keep the name operators know from before it was split up.
    private static final Logger log = LoggerFactory.getLogger(OffloadProgrammer.class);

    /** A client offered again this soon after its element was written is assumed in flight. */
    static final long REINSTALL_AFTER_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    /** After the map refused an element for lack of room, new clients of that VIP stay in user space this long. */
    static final long MAP_FULL_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final KernelTable table;
    private final OffloadCounters counters;

    MapWriter(KernelTable table, OffloadCounters counters) {
        this.table = table;
        this.counters = counters;
    }

    /** Writes the offered decisions in one transaction (or one by one when it is refused). */
    void installOffered(ForwardingState s, DecisionRing ring) {
        Map<InstalledClient.Key, InstalledClient> mirror = table.mirror;
        OffloadRuleset ruleset = table.ruleset();
        long now = System.nanoTime();
        List<Write> writes = new ArrayList<>();
        Set<InstalledClient.Key> seen = new HashSet<>();
        long[] firstOffer = {Long.MAX_VALUE};
        ring.drain((vip, high, low, serviceId, offeredNanos) -> {
            firstOffer[0] = Math.min(firstOffer[0], offeredNanos);
            InstalledClient.Key key = new InstalledClient.Key(vip, high, low);
            if (!seen.add(key) || serviceId >= s.services().length) {
                return;
            }
            ServiceView service = s.services()[serviceId];
            if (!service.keepsPersistedClients()) {
                return;
            }
            if (now - table.mapFullUntil(vip) < 0 && !mirror.containsKey(key)) {
                // The forwarder keeps serving it from user space; it is tried again after the back-off.
                counters.mapFull.incrementAndGet();
                return;
            }
            InstalledClient had = mirror.get(key);
            if (had != null
                    && had.serviceId() == serviceId
                    && had.mac().equals(service.mac())
                    && now - had.writtenNanos() < REINSTALL_AFTER_NANOS) {
                return;
            }
            String cmd = (had != null && !had.mac().equals(service.mac())
                            ? ruleset.removeElement(vip, key.client(), had.mac())
                            : "")
                    + ruleset.addElement(vip, key.client(), service.mac());
            writes.add(new Write(
                    cmd,
                    () -> mirror.put(key, new InstalledClient(serviceId, service.mac(), now)),
                    message -> refusedForRoom(vip, now, message),
                    had == null ? () -> stillFull(vip, now) : () -> false));
        });
        long installed = counters.installs.get();
        apply(writes, counters.installs);
        if (counters.installs.get() > installed && firstOffer[0] != Long.MAX_VALUE) {
            // The oldest decision of the batch waited longest: until here its client's frames crossed user space.
            counters.landed(System.nanoTime() - firstOffer[0]);
        }
    }

    /** A full map is no failure: the VIP's new clients stay in user space for the back-off. */
    private boolean refusedForRoom(int vip, long now, String message) {
        if (!isMapFull(message)) {
            return false;
        }
        counters.mapFull.incrementAndGet();
        if (now - table.mapFullUntil(vip) >= 0) {
            counters.logError("offload: the kernel map of VIP #" + vip + " is full (--offload-max-clients, or the "
                    + "vserver's -persistenceMaxEntries if smaller); new clients stay in user space");
        }
        table.mapFullUntil(vip, now + MAP_FULL_BACKOFF_NANOS);
        return true;
    }

    /**
     * Whether a new client's write need not be tried alone: its map refused another one for room
     * earlier in this pass. Trying each would cost one nft call apiece, about 11 ms for a refused
     * element on a full 16 384-element map (libnftables 1.0.6), so a flood's pass of thousands of
     * decisions held the writer, and with it the read-back, for minutes (issue 18).
     */
    private boolean stillFull(int vip, long now) {
        if (now - table.mapFullUntil(vip) < 0) {
            counters.mapFull.incrementAndGet();
            return true;
        }
        return false;
    }

    /**
     * One element change and what follows from it.
     *
     * @param onRefused told nft's message when the kernel refused this write alone; true when
     *     it handled the refusal (not a failure)
     * @param skipAlone asked before the write is tried alone (its batch was refused): true
     *     leaves it out, having counted why
     */
    record Write(String command, Runnable onSuccess, Predicate<String> onRefused, BooleanSupplier skipAlone) {
        Write(String command, Runnable onSuccess) {
            this(command, onSuccess, message -> false, () -> false);
        }
    }

    /** Takes out the clients of services that no longer keep them, or whose MAC changed. */
    void withdrawIneligible(ForwardingState s) {
        List<Write> writes = new ArrayList<>();
        for (Map.Entry<InstalledClient.Key, InstalledClient> e : table.mirror.entrySet()) {
            if (!e.getValue().stillHeld(s)) {
                writes.add(remove(e.getKey(), e.getValue()));
            }
        }
        if (!writes.isEmpty()) {
            log.info("offload: taking {} clients back from the kernel (service state changed)", writes.size());
        }
        apply(writes, counters.removals);
    }

    void withdrawAll() {
        List<Write> writes = new ArrayList<>();
        for (Map.Entry<InstalledClient.Key, InstalledClient> e : table.mirror.entrySet()) {
            writes.add(remove(e.getKey(), e.getValue()));
        }
        apply(writes, counters.removals);
    }

    Write remove(InstalledClient.Key key, InstalledClient in) {
        return new Write(
                table.ruleset().removeElement(key.vip(), key.client(), in.mac()), () -> table.mirror.remove(key));
    }

    /**
     * The kernel refuses an element for a set at its `size` with ENFILE, which nft prints as
     * "Too many open files in system" (seen with Debian 12's nftables 1.0.6); ENOSPC is taken too.
     */
    static boolean isMapFull(String nftMessage) {
        return nftMessage.contains("Too many open files in system") || nftMessage.contains("No space left on device");
    }

    void apply(List<Write> writes, AtomicLong counter) {
        if (writes.isEmpty()) {
            return;
        }
        try {
            table.nft.run(writes.stream().map(Write::command).collect(Collectors.joining()));
            writes.forEach(w -> w.onSuccess().run());
            counter.addAndGet(writes.size());
            return;
        } catch (Nftables.NftablesException e) {
            // One stale element refuses the whole transaction: retry each on its own.
        }
        for (Write w : writes) {
            if (w.skipAlone().getAsBoolean()) {
                continue;
            }
            try {
                table.nft.run(w.command());
                w.onSuccess().run();
                counter.incrementAndGet();
            } catch (Nftables.NftablesException e) {
                if (!w.onRefused().test(e.getMessage())) {
                    counters.failed(
                            "offload: " + e.getMessage().lines().findFirst().orElse("") + " for: "
                                    + w.command().strip().replace('\n', ';'));
                }
            }
        }
    }
}
