package dsrlb.metrics;

import dsrlb.status.NodeReport;
import dsrlb.status.StatusSource;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;
import java.util.function.Supplier;

/**
 * The node as a whole: build, engine, HA role, the VIP announcement, config reloads, and the JVM and process (heap,
 * GC, threads, CPU, open files) from the client library's own instrumentation.
 */
final class NodeMetrics {
    private static final List<String> ROLES = List.of(NodeReport.ACTIVE, NodeReport.STANDBY);

    private NodeMetrics() {}

    static void register(PrometheusRegistry registry, StatusSource status, Supplier<NodeReport> node) {
        NodeReport now = status.node();
        if (now != null) {
            // Version and engine are fixed for the process's life.
            Info.builder()
                    .name("dsrlb_build")
                    .help("The dsrlb that runs: its version and the packet engine it chose at start")
                    .labelNames("version", "engine")
                    .register(registry)
                    .setLabelValues(now.version(), now.engine());
        }
        GaugeWithCallback.builder()
                .name("dsrlb_ha_role")
                .help("1 for the node's HA role (active owns the VIPs, standby stays silent), 0 for the other")
                .labelNames("role")
                .callback(cb -> {
                    NodeReport n = node.get();
                    if (n != null) {
                        ROLES.forEach(r -> cb.call(r.equals(n.haRole()) ? 1 : 0, r));
                    }
                })
                .register(registry);
        GaugeWithCallback.builder()
                .name("dsrlb_announce_up")
                .help("1 while the --announce-interface is up (HA active and a service UP: the routing daemon "
                        + "announces the VIPs), 0 while it is down; absent without one")
                .labelNames("interface")
                .callback(cb -> {
                    NodeReport n = node.get();
                    if (n != null && n.announce() != null) {
                        cb.call(n.announce().up() ? 1 : 0, n.announce().interfaceName());
                    }
                })
                .register(registry);
        GaugeWithCallback.builder()
                .name("dsrlb_config_reload_success")
                .help("1 if the last load of the config file (at start or by a reload) was accepted, 0 if refused")
                .callback(cb -> {
                    NodeReport n = node.get();
                    if (n != null) {
                        cb.call(n.lastLoad().ok() ? 1 : 0);
                    }
                })
                .register(registry);
        GaugeWithCallback.builder()
                .name("dsrlb_config_reload_timestamp_seconds")
                .help("When the config file was last loaded (at start or by a reload), accepted or not")
                .callback(cb -> {
                    NodeReport n = node.get();
                    if (n != null) {
                        cb.call(n.lastLoad().time().toEpochMilli() / 1000.0);
                    }
                })
                .register(registry);
        GaugeWithCallback.builder()
                .name("dsrlb_config_generation")
                .help("1 for the config loaded at start, one more per accepted reload")
                .callback(cb -> {
                    NodeReport n = node.get();
                    if (n != null) {
                        cb.call((double) n.configGeneration());
                    }
                })
                .register(registry);
        JvmMetrics.builder().register(registry);
    }
}
