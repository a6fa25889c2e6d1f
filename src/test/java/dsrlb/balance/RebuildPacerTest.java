package dsrlb.balance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dsrlb.config.LbMethod;
import dsrlb.config.PersistenceType;
import dsrlb.net.MacAddress;
import dsrlb.testing.FakeTicker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Learned MACs are built into the forwarding state by the pacer's thread, at most once per
 * interval, however often they change; changes that take clients away are built at once.
 */
class RebuildPacerTest {
    static final MacAddress A = MacAddress.parse("02:00:00:00:00:30");
    static final MacAddress B = MacAddress.parse("02:00:00:00:00:66");
    static final MacAddress C = MacAddress.parse("02:00:00:00:00:31");
    static final long INTERVAL = TimeUnit.MILLISECONDS.toNanos(100);

    final FakeTicker ticker = new FakeTicker();

    /** The pacer's thread, by hand: tasks run when the fake clock reaches them. */
    final class ManualScheduler implements RebuildPacer.Scheduler {
        record Due(long at, Runnable task) {}

        final List<Due> queue = new ArrayList<>();

        @Override
        public void schedule(Runnable task, long delayNanos) {
            queue.add(new Due(ticker.read() + delayNanos, task));
        }

        void runDue() {
            List<Due> due = queue.stream().filter(d -> d.at() <= ticker.read()).toList();
            queue.removeAll(due);
            due.forEach(d -> d.task().run());
        }
    }

    final ManualScheduler scheduler = new ManualScheduler();
    // SOURCEIPHASH: each rebuild is a 65 537-slot Maglev table, as in the daemon.
    final LoadBalancer lb = new LoadBalancer(
            TestConfigs.anyStar(2, LbMethod.SOURCEIPHASH, PersistenceType.NONE, 0, 0),
            ticker,
            Maglev.DEFAULT_TABLE_SIZE,
            new RebuildPacer(ticker, INTERVAL, scheduler));

    @Test
    void tenThousandMacFlipsMakeAtMostOneRebuildPerInterval() {
        long before = lb.rebuilds();
        // Two MACs flapping for tftp1 every 200 µs: 10 000 changes in 2 s.
        int flips = 10_000;
        Duration step = Duration.ofNanos(200_000);
        for (int i = 0; i < flips; i++) {
            long rebuildsBefore = lb.rebuilds();
            lb.setMac(0, i % 2 == 0 ? A : B);
            assertEquals(rebuildsBefore, lb.rebuilds(), "nothing is built on the caller's (receive) thread");
            ticker.advance(step);
            scheduler.runDue();
        }
        ticker.advance(Duration.ofNanos(INTERVAL));
        scheduler.runDue();

        long rebuilds = lb.rebuilds() - before;
        long elapsed = flips * step.toNanos() + INTERVAL;
        long bound = 1 + elapsed / INTERVAL;
        assertTrue(rebuilds <= bound, rebuilds + " rebuilds for " + flips + " flips, bound " + bound);
        assertTrue(rebuilds >= 2, "the pacer keeps rebuilding while MACs change: " + rebuilds);
        assertEquals(B, lb.state().services()[0].mac(), "the last MAC is the one in force");
        assertTrue(scheduler.queue.isEmpty(), "nothing left waiting once nothing changes");
    }

    @Test
    void aLearnedMacIsInTheStateOnceThePacerRan() {
        lb.setMac(0, A);
        lb.setMac(1, C);
        assertNull(lb.state().services()[0].mac(), "not built on the caller's thread");
        long rebuilds = lb.rebuilds();

        scheduler.runDue();

        assertEquals(rebuilds + 1, lb.rebuilds(), "both MACs in one rebuild");
        assertEquals(A, lb.state().services()[0].mac());
        assertEquals(C, lb.state().services()[1].mac());
        assertEquals(ServiceStatus.UP, lb.state().services()[0].status());
    }

    @Test
    void losingAMacOrHealthOrBeingDisabledTakesClientsAwayAtOnce() {
        lb.setMac(0, A);
        lb.setMac(1, C);
        scheduler.runDue();

        lb.setMac(0, null);
        assertEquals(ServiceStatus.DOWN, lb.state().services()[0].status(), "a silent backend leaves at once");
        lb.setHealth(1, ServiceStatus.DOWN, "monitor: timeout");
        assertEquals(ServiceStatus.DOWN, lb.state().services()[1].status(), "a DOWN verdict leaves at once");
        lb.setHealth(1, ServiceStatus.UP, "monitor: ok");
        lb.setAdminEnabled(1, false);
        assertEquals(ServiceStatus.OUT_OF_SERVICE, lb.state().services()[1].status(), "disable leaves at once");
    }

    @Test
    void anImmediateChangeCarriesAWaitingMacAndTheWaitingRunThenDoesNothing() {
        lb.setMac(0, A);
        lb.setAdminEnabled(1, false);
        assertEquals(A, lb.state().services()[0].mac(), "the waiting MAC is newer than the state: built in");
        long rebuilds = lb.rebuilds();

        scheduler.runDue();

        assertEquals(rebuilds, lb.rebuilds(), "nothing left to build");
    }

    @Test
    void aMacLostWhileWaitingIsNotBroughtBackByTheWaitingRun() {
        lb.setMac(0, A);
        lb.setMac(0, null);
        scheduler.runDue();
        assertNull(lb.state().services()[0].mac());
    }

    @Test
    void flushBuildsWaitingMacsAtOnce() {
        lb.setMac(0, A);
        lb.flush();
        assertEquals(A, lb.state().services()[0].mac());
    }
}
