package dsrlb.daemon;

import dsrlb.dataplane.ReceiveLoop;
import dsrlb.systemd.SystemdNotifier;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What systemd learns of a running dsrlb (packaging/dsrlb.service: Type=notify, WatchdogSec=):
 * ready once it serves, a one-line status, stopping, and a watchdog keep-alive that is sent only
 * while the receive loop goes round. A timer alone would keep a process alive whose forwarding
 * thread is stuck or dead; this way systemd restarts it and keepalived's check fails over.
 */
final class SystemdSupervision {
    private static final Logger log = LoggerFactory.getLogger(SystemdSupervision.class);

    private final SystemdNotifier notifier;
    /** One receive loop per interface dsrlb serves: all must go round. */
    private final List<ReceiveLoop> loops;

    private final long[] lastMarks;
    private boolean stalled;

    SystemdSupervision(SystemdNotifier notifier, ReceiveLoop loop) {
        this(notifier, List.of(loop));
    }

    SystemdSupervision(SystemdNotifier notifier, List<ReceiveLoop> loops) {
        this.notifier = notifier;
        this.loops = List.copyOf(loops);
        this.lastMarks = new long[loops.size()];
        Arrays.fill(lastMarks, -1);
    }

    /** Checks the loops three times per watchdog interval (sd_watchdog_enabled(3) asks for at least two). */
    void startWatchdog(ScheduledExecutorService scheduler) {
        notifier.watchdog().ifPresent(interval -> {
            long every = Math.max(1, interval.toMillis() / 3);
            log.info(
                    "systemd watchdog: every {} ms while the receive loop runs (WatchdogSec {} s)",
                    every,
                    interval.toMillis() / 1000.0);
            // Runs until the scheduler shuts down at stop; nothing waits on it.
            Future<?> unused = scheduler.scheduleAtFixedRate(this::check, 0, every, TimeUnit.MILLISECONDS);
        });
    }

    /** One watchdog period: WATCHDOG=1 if every receive loop moved or waits for frames, alive. */
    void check() {
        boolean healthy = true;
        for (int i = 0; i < lastMarks.length; i++) {
            ReceiveLoop loop = loops.get(i);
            healthy &= loop.healthy(lastMarks[i]);
            lastMarks[i] = loop.progress();
        }
        if (healthy) {
            if (stalled) {
                log.warn("receive loop runs again; feeding systemd's watchdog");
                stalled = false;
            }
            notifier.watchdogAlive();
        } else if (!stalled) {
            stalled = true;
            log.error("receive loop is stuck or gone; systemd's watchdog will restart dsrlb");
        }
    }

    void ready(String status) {
        notifier.ready(status);
    }

    void status(String status) {
        notifier.status(status);
    }

    void stopping() {
        notifier.stopping("stopping");
    }
}
