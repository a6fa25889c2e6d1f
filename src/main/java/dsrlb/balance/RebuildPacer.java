package dsrlb.balance;

import com.github.benmanes.caffeine.cache.Ticker;
import java.util.concurrent.TimeUnit;

/**
 * Runs a balancer's coalesced rebuilds on another thread, at most one per interval, each with
 * the inputs of its moment. A caller (the receive thread learning a MAC from an ARP reply) only
 * asks: however many frames ask within an interval, one rebuild follows (issue 18: a new
 * {@link ForwardingState} holds a 65 537-slot Maglev table per SOURCEIPHASH vserver, too much to
 * build per frame).
 */
public final class RebuildPacer {
    /** Runs a task once after a delay: the daemon's single rebuild thread; tests run it by hand. */
    @FunctionalInterface
    public interface Scheduler {
        void schedule(Runnable task, long delayNanos);
    }

    /**
     * 100 ms: a backend learned at start is UP within a tenth of a second, and no sequence of
     * frames makes more than 10 rebuilds a second (plus the first).
     */
    public static final long DEFAULT_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final Ticker clock;
    private final long intervalNanos;
    private final Scheduler scheduler;

    // Guarded by this; never held while a rebuild runs.
    private boolean scheduled;
    private boolean ranOnce;
    private long lastRun;

    public RebuildPacer(Ticker clock, long intervalNanos, Scheduler scheduler) {
        if (intervalNanos <= 0) {
            throw new IllegalArgumentException("rebuild interval must be positive: " + intervalNanos);
        }
        this.clock = clock;
        this.intervalNanos = intervalNanos;
        this.scheduler = scheduler;
    }

    /**
     * Asks for {@code rebuild} to run on the scheduler's thread: at once if the last run is an
     * interval ago, else an interval after it. A request while one waits is the same request
     * (the waiting run reads the latest inputs).
     */
    public void request(Runnable rebuild) {
        long delay;
        synchronized (this) {
            if (scheduled) {
                return;
            }
            scheduled = true;
            delay = ranOnce ? Math.max(0, lastRun + intervalNanos - clock.read()) : 0;
        }
        scheduler.schedule(() -> run(rebuild), delay);
    }

    private void run(Runnable rebuild) {
        synchronized (this) {
            // Cleared before the rebuild: a request from now on is not covered by this run's
            // inputs, so it schedules the next one (an interval after this).
            scheduled = false;
            ranOnce = true;
            lastRun = clock.read();
        }
        rebuild.run();
    }
}
