package dsrlb.offload;

import dsrlb.balance.ForwardingState;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices when dsrlb's table was removed from outside (`nft flush ruleset`, a firewall that
 * replaces the ruleset) and puts it back with every client dsrlb still knows; meanwhile user
 * space forwards every frame (the watcher).
 */
final class TableWatchdog {
    // The writer's lines keep the name operators know from before it was split up.
    private static final Logger log = LoggerFactory.getLogger(OffloadProgrammer.class);

    /** How often the writer asks whether the table is still there (a name listing, no elements). */
    static final long TABLE_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

    private final KernelTable table;
    private final OffloadCounters counters;
    private OffloadProgrammer.KernelPathWatcher watcher = OffloadProgrammer.KernelPathWatcher.NONE;
    private boolean missing;

    TableWatchdog(KernelTable table, OffloadCounters counters) {
        this.table = table;
        this.counters = counters;
    }

    void watch(OffloadProgrammer.KernelPathWatcher w) {
        this.watcher = w;
    }

    /** Whether the table is known to be gone and not yet back. */
    boolean missing() {
        return missing;
    }

    /**
     * Whether our table is still in the kernel; if not, tells the watcher and writes it again.
     *
     * @param resetPending a reload waits: the mirror's service ids belong to the old config
     * @param longWork runs the writing again (every client in the mirror, possibly a million):
     *     the writer runs it at normal priority
     */
    void check(ForwardingState s, boolean resetPending, Consumer<Runnable> longWork) {
        OffloadRuleset ruleset = table.ruleset();
        boolean present;
        try {
            present = NftJson.tableNames(table.nft.run(OffloadRuleset.listTables()))
                    .contains(ruleset.table());
        } catch (IOException | RuntimeException e) {
            counters.failed("offload: cannot list the nftables tables: " + e.getMessage());
            return;
        }
        if (present && !missing) {
            return;
        }
        if (!missing) {
            missing = true;
            counters.keepCounts();
            counters.tableRestores.incrementAndGet();
            log.warn(
                    "offload: table netdev {} was removed from outside dsrlb (nft flush ruleset? a firewall "
                            + "reload?); user space forwards every frame until it is back",
                    ruleset.table());
            watcher.lost();
        }
        longWork.accept(() -> restore(s, resetPending));
    }

    private void restore(ForwardingState s, boolean resetPending) {
        OffloadRuleset ruleset = table.ruleset();
        Map<InstalledClient.Key, InstalledClient> mirror = table.mirror;
        if (resetPending) {
            // Written under the old ids they would go to the wrong services: the clients are
            // learnt again from their next packet instead.
            mirror.clear();
        }
        StringBuilder batch = new StringBuilder(ruleset.create());
        int clients = 0;
        for (Map.Entry<InstalledClient.Key, InstalledClient> e : mirror.entrySet()) {
            if (e.getValue().stillHeld(s)) {
                InstalledClient.Key key = e.getKey();
                batch.append(
                        ruleset.addElement(key.vip(), key.client(), e.getValue().mac()));
                clients++;
            }
        }
        try {
            table.nft.run(batch.toString());
        } catch (Nftables.NftablesException e) {
            counters.failed(
                    "offload: putting table " + ruleset.table() + " back failed (trying again): " + e.getMessage());
            return;
        }
        mirror.values().removeIf(in -> !in.stillHeld(s));
        missing = false;
        watcher.restored();
        log.warn(
                "offload: table netdev {} is back with {} clients; the kernel forwards them again",
                ruleset.table(),
                clients);
    }
}
