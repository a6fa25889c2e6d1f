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
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs every monitor bound to a service on its own schedule (every {@code -interval}, every
 * {@code -downTime} while DOWN) and hands verdicts to the load balancer, which logs each change
 * with its reason and republishes the forwarding state at once. A service with several
 * monitors is UP only while all of them are.
 */
public final class HealthMonitor implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HealthMonitor.class);

    private final LoadBalancer balancer;
    private final ScheduledExecutorService scheduler;
    private final List<Check> checks = new ArrayList<>();
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
        int threads = Math.max(1, Math.min(4, checks.size()));
        this.scheduler = Executors.newScheduledThreadPool(threads, r -> {
            Thread t = new Thread(r, "dsrlb-monitor");
            t.setDaemon(true);
            return t;
        });
    }

    /** Ids of the services that have at least one monitor. */
    public List<Integer> monitoredServices() {
        return checks.stream().map(Check::serviceId).distinct().toList();
    }

    // run() logs its own failures and schedules the next probe itself: a check's future has
    // nothing more to tell, and keeping one per probe would only grow.
    @SuppressWarnings("FutureReturnValueIgnored")
    public void start() {
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
            scheduler.schedule(() -> run(c), 0, TimeUnit.MILLISECONDS);
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

    @SuppressWarnings("FutureReturnValueIgnored") // see start()
    private void run(Check c) {
        if (closed) {
            return;
        }
        long started = System.nanoTime();
        try {
            ServiceView view = balancer.state().services()[c.serviceId];
            ProbeResult result = c.probe.probe(view);
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
        } finally {
            if (!closed) {
                Duration period = c.tracker.status() == ServiceStatus.UP ? c.monitor.interval() : c.monitor.downTime();
                long delay = Math.max(0, period.toNanos() - (System.nanoTime() - started));
                scheduler.schedule(() -> run(c), delay, TimeUnit.NANOSECONDS);
            }
        }
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
    public void close() {
        closed = true;
        scheduler.shutdownNow();
    }

    /** @param adopted its tracker came from the monitor of the config before a reload */
    private record Check(
            int serviceId, MonitorConfig monitor, ServiceProbe probe, HealthTracker tracker, boolean adopted) {}
}
