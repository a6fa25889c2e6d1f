package dsrlb.daemon;

import dsrlb.metrics.MetricsExporter;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Run every half second on the daemon's timer thread: ends the drains of gracefully disabled
 * services whose clients went quiet, and the transfers that finished, whose durations go to the
 * metrics endpoint if there is one.
 */
final class IdleSweep implements Runnable {
    /** A gracefully disabled service is drained once nothing went to it for this long (TFTP clients ACK every block). */
    static final long DRAIN_IDLE_NANOS = TimeUnit.SECONDS.toNanos(3);

    private final CurrentGeneration live;
    private final Supplier<MetricsExporter> metrics;

    /**
     * Sweeps whichever generation is current when it runs.
     *
     * @param metrics the metrics endpoint, or null while there is none
     */
    IdleSweep(CurrentGeneration live, Supplier<MetricsExporter> metrics) {
        this.live = live;
        this.metrics = metrics;
    }

    /** Ends drains whose clients went quiet and transfers that finished. */
    @Override
    public void run() {
        long now = System.nanoTime();
        Generation g = live.get();
        g.balancer().finishDrains(now, DRAIN_IDLE_NANOS);
        g.transfers().sweep(now, (serviceId, nanos) -> {
            MetricsExporter m = metrics.get();
            if (m != null) {
                m.observeTransfer(g.balancer().services().get(serviceId).name(), nanos / 1e9);
            }
        });
    }
}
