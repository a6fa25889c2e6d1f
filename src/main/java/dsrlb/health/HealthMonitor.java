package dsrlb.health;

import dsrlb.balance.LoadBalancer;
import dsrlb.balance.ServiceStatus;
import dsrlb.balance.ServiceView;
import dsrlb.config.ConfigDiff;
import dsrlb.config.MonitorBinding;
import dsrlb.config.MonitorConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs every monitor bound to a service on its own schedule (every {@code -interval}, every
 * {@code -downTime} while DOWN) and hands verdicts to the load balancer, which logs each change
 * with its reason and republishes the forwarding state at once. A service with several
 * monitors is UP only while all of them are.
 *
 * <p>Each check has its own thread, so a backend that answers slowly (a TFTP server dripping
 * one block a second) delays only its own check, never another's. Each probe runs on a thread
 * of its own under a {@linkplain #deadline deadline}: a probe still running then is abandoned (interrupted, its thread left to finish on its own) and
 * counts as a failure, "deadline exceeded after X s". A check whose abandoned probe is still
 * stuck at its next turn fails that turn too without starting another, so a check never holds
 * more than two threads.
 */
public final class HealthMonitor implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HealthMonitor.class);

    private final LoadBalancer balancer;
    private final List<Check> checks = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean closed;
    private volatile ProbeListener listener = (service, monitor, result) -> {};

    /** Told of every probe's result (the metrics' response-time histogram). */
    public interface ProbeListener {
        void probed(String service, String monitor, ProbeResult result);
    }

    public void onProbe(ProbeListener l) {
        this.listener = l;
    }

    /**
     * @param probes makes the probe of a monitor (the TFTP download, or a fake in tests)
     */
    public HealthMonitor(
            LoadBalancer balancer,
            List<MonitorBinding> bindings,
            Map<String, MonitorConfig> monitors,
            Function<MonitorConfig, ServiceProbe> probes) {
        this.balancer = balancer;
        for (MonitorBinding b : bindings) {
            int id = balancer.serviceId(b.service());
            MonitorConfig m = monitors.get(b.monitor());
            checks.add(new Check(id, m, probes.apply(m), new HealthTracker(m.retries(), m.successRetries()), false));
        }
    }

    /**
     * How long one probe of {@code m} may take: three times {@code -interval}. A TFTP probe bounds
     * each of its downloads (the real address, then the DSR path) by {@code -interval} itself;
     * this deadline only catches a probe stuck outside those bounds. It must not judge a busy
     * backend: during a boot storm a probe's two downloads may together take longer than one
     * interval, and a deadline below it marked healthy backends DOWN mid-storm (StatusPageIT saw
     * half a storm's clients re-picked onto the other server and time out).
     */
    static Duration deadline(MonitorConfig m) {
        return m.interval().multipliedBy(3);
    }

    /** Ids of the services that have at least one monitor. */
    public List<Integer> monitoredServices() {
        return checks.stream().map(Check::serviceId).distinct().toList();
    }

    public synchronized void start() {
        for (Check c : checks) {
            if (!c.adopted()) {
                // A monitored service is DOWN until its first probe passes; say so up front.
                balancer.setHealth(c.serviceId, ServiceStatus.DOWN, "monitor " + c.monitor.name() + ": not probed yet");
            }
        }
        for (Check c : checks) {
            if (c.adopted()) {
                publish(c.serviceId);
            }
        }
        for (Check c : checks) {
            String service = balancer.services().get(c.serviceId).name();
            Thread t = new Thread(() -> loop(c), "dsrlb-monitor-" + service + "-" + c.monitor.name());
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
    }

    /** One check's thread: a probe, then a wait for the rest of its period, until closed. */
    private void loop(Check c) {
        Thread abandoned = null;
        while (!closed) {
            long started = System.nanoTime();
            abandoned = runOnce(c, abandoned);
            Duration period = c.tracker.status() == ServiceStatus.UP ? c.monitor.interval() : c.monitor.downTime();
            long left = period.toNanos() - (System.nanoTime() - started);
            try {
                if (left > 0) {
                    TimeUnit.NANOSECONDS.sleep(left);
                }
            } catch (InterruptedException e) {
                return; // closed
            }
        }
    }

    /**
     * Before {@link #start}, after a config reload: each check whose service and monitor are
     * unchanged takes over the previous monitor's tracker, so its service keeps its state (and
     * its retry counts) instead of starting DOWN. {@code previous} must be closed already.
     *
     * @param unchanged names of the services whose config and monitor bindings did not change
     * @return how many checks were carried over
     */
    public int adoptTrackers(HealthMonitor previous, Set<String> unchanged) {
        int adopted = 0;
        for (int i = 0; i < checks.size(); i++) {
            Check c = checks.get(i);
            String service = balancer.services().get(c.serviceId).name();
            if (!unchanged.contains(service)) {
                continue;
            }
            for (Check old : previous.checks) {
                if (ConfigDiff.same(old.monitor, c.monitor)
                        && previous.balancer
                                .services()
                                .get(old.serviceId)
                                .name()
                                .equals(service)) {
                    checks.set(i, new Check(c.serviceId, c.monitor, c.probe, old.tracker, true));
                    adopted++;
                    break;
                }
            }
        }
        return adopted;
    }

    /**
     * Runs one probe under its deadline and records its verdict.
     *
     * @param abandoned the thread of this check's last abandoned probe, or null
     * @return the probe thread if this probe was abandoned, else null
     */
    private Thread runOnce(Check c, Thread abandoned) {
        ServiceView view = balancer.state().services()[c.serviceId];
        Duration deadline = deadline(c.monitor);
        if (abandoned != null && abandoned.isAlive()) {
            record(
                    c,
                    view,
                    ProbeResult.failure(
                            "deadline exceeded: the probe given up " + seconds(deadline)
                                    + " after it started is still stuck",
                            deadline));
            return abandoned;
        }
        FutureTask<ProbeResult> task = new FutureTask<>(() -> c.probe.probe(view));
        Thread prober = new Thread(task, Thread.currentThread().getName() + "-probe");
        prober.setDaemon(true);
        long started = System.nanoTime();
        prober.start();
        try {
            record(c, view, task.get(deadline.toNanos(), TimeUnit.NANOSECONDS));
            return null;
        } catch (TimeoutException e) {
            task.cancel(true);
            if (closed) {
                return prober;
            }
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            record(c, view, ProbeResult.failure("deadline exceeded after " + seconds(took), took));
            return prober;
        } catch (ExecutionException e) {
            log.error("monitor {} failed unexpectedly", c.monitor.name(), e.getCause());
            return null;
        } catch (InterruptedException e) {
            // closed while waiting: the probe goes with it
            task.cancel(true);
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private void record(Check c, ServiceView view, ProbeResult result) {
        if (closed) {
            return;
        }
        try {
            listener.probed(view.name(), c.monitor.name(), result);
            if (c.tracker.record(result)) {
                log.info(
                        "monitor {} on service {}: {} ({})",
                        c.monitor.name(),
                        view.name(),
                        c.tracker.status().label(),
                        c.tracker.reason());
            }
            publish(c.serviceId);
        } catch (RuntimeException e) {
            log.error("monitor {} failed unexpectedly", c.monitor.name(), e);
        }
    }

    private static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.1f s", d.toNanos() / 1e9);
    }

    /** Combines the service's monitors: the first one that is not UP decides. */
    private void publish(int serviceId) {
        ServiceStatus status = ServiceStatus.UP;
        StringBuilder reason = new StringBuilder();
        for (Check c : checks) {
            if (c.serviceId != serviceId) {
                continue;
            }
            if (c.tracker.status() != ServiceStatus.UP && status == ServiceStatus.UP) {
                status = c.tracker.status();
                reason.setLength(0);
                reason.append("monitor ").append(c.monitor.name()).append(": ").append(c.tracker.reason());
            } else if (status == ServiceStatus.UP) {
                if (reason.length() > 0) {
                    reason.append("; ");
                }
                reason.append("monitor ").append(c.monitor.name()).append(": ").append(c.tracker.reason());
            }
        }
        balancer.setHealth(serviceId, status, reason.toString());
    }

    /** The trackers of one service, for status output. */
    public List<HealthTracker> trackers(int serviceId) {
        return checks.stream()
                .filter(c -> c.serviceId == serviceId)
                .map(Check::tracker)
                .toList();
    }

    /** The monitors of one service by name, with their trackers, for status output. */
    public Map<String, HealthTracker> trackersByMonitor(int serviceId) {
        Map<String, HealthTracker> m = new LinkedHashMap<>();
        for (Check c : checks) {
            if (c.serviceId == serviceId) {
                m.put(c.monitor.name(), c.tracker);
            }
        }
        return m;
    }

    @Override
    public synchronized void close() {
        closed = true;
        threads.forEach(Thread::interrupt);
    }

    /** @param adopted its tracker came from the monitor of the config before a reload */
    private record Check(
            int serviceId, MonitorConfig monitor, ServiceProbe probe, HealthTracker tracker, boolean adopted) {}
}
