package dsrlb.daemon;

import dsrlb.balance.LoadBalancer;
import dsrlb.balance.ServiceView;
import dsrlb.balance.Vserver;
import dsrlb.config.DsrConfig;
import dsrlb.config.MonitorConfig;
import dsrlb.config.ServiceConfig;
import dsrlb.config.VserverConfig;
import dsrlb.dataplane.Counters;
import dsrlb.dataplane.DropReason;
import dsrlb.dataplane.NetworkInterfaceInfo;
import dsrlb.net.Ipv4;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lines an operator reads in the journal when dsrlb starts (interface, vservers, services,
 * monitors) and stops (the counters summary). They go to the {@code dsrlb} logger, as all of
 * {@link Daemon}'s own lines do; the lab's tests look for some of them by their text.
 */
final class StartStopLog {
    private static final Logger log = LoggerFactory.getLogger("dsrlb");

    private StartStopLog() {}

    /** The start-up lines: the interface and engine, then each vserver, service and monitor of the config. */
    static void started(NetworkInterfaceInfo nif, String engineName, DsrConfig cfg) {
        interfaceLine(nif, engineName);
        config(cfg);
    }

    /** One line per interface dsrlb serves, with its engine, then the config's lines. */
    static void started(List<NetworkInterfaceInfo> nifs, List<String> engineNames, DsrConfig cfg) {
        for (int i = 0; i < nifs.size(); i++) {
            interfaceLine(nifs.get(i), engineNames.get(i));
        }
        config(cfg);
    }

    private static void interfaceLine(NetworkInterfaceInfo nif, String engineName) {
        log.info(
                "dsrlb on {} (MAC {}, {}/{}{}), MAC-based forwarding, engine {}",
                nif.name(),
                nif.mac(),
                Ipv4.format(nif.address()),
                nif.prefixLength(),
                nif.ipv6Address() == null ? "" : ", " + nif.ipv6Address(),
                engineName);
    }

    private static void config(DsrConfig cfg) {
        for (VserverConfig v : cfg.vservers().values()) {
            log.info(
                    "vserver {} {} {}:{} lbMethod {} persistence {} timeout {} min (max {} clients) services [{}]",
                    v.name(),
                    v.protocol(),
                    v.vip().format(),
                    v.port() < 0 ? "*" : v.port(),
                    v.method(),
                    v.persistence(),
                    v.timeoutMinutes(),
                    v.persistenceMaxEntries(),
                    v.bindings().stream()
                            .map(b -> b.service() + (b.weight() != 1 ? " weight " + b.weight() : ""))
                            .collect(Collectors.joining(", ")));
        }
        for (ServiceConfig s : cfg.services().values()) {
            String monitors = cfg.monitorBindings().stream()
                    .filter(b -> b.service().equals(s.name()))
                    .map(b -> b.monitor())
                    .collect(Collectors.joining(", "));
            log.info(
                    "service {} {} {}:{} {} monitors [{}]",
                    s.name(),
                    s.protocol(),
                    s.address().format(),
                    s.port() < 0 ? "*" : s.port(),
                    s.state(),
                    monitors.isEmpty() ? "ARP reachability" : monitors);
        }
        for (MonitorConfig m : cfg.monitors().values()) {
            log.info(
                    "monitor {} TFTP file {} interval {} s resptimeout {} s retries {} successRetries {} downTime {} s",
                    m.name(),
                    m.file(),
                    m.interval().toSeconds(),
                    m.responseTimeout().toSeconds(),
                    m.retries(),
                    m.successRetries(),
                    m.downTime().toSeconds());
        }
    }

    /**
     * The stop summary: the forwarder's counters and drops by reason, then each service's and
     * vserver's totals from the current generation's balancer.
     *
     * @param kernelDrops frames the kernel lost before capture, or negative if the engine cannot tell
     */
    static void counters(Counters c, LoadBalancer balancer, long kernelDrops) {
        StringBuilder sb = new StringBuilder("counters: received ")
                .append(c.received())
                .append(", forwarded ")
                .append(c.forwarded())
                .append(", checksums completed ")
                .append(c.checksumsCompleted())
                .append(", ARP replies ")
                .append(c.arpRepliesSent())
                .append(", VIP ARP conflicts ")
                .append(c.vipArpConflicts())
                .append(", lost before capture ")
                .append(kernelDrops < 0 ? "unknown" : Long.toString(kernelDrops));
        for (DropReason r : DropReason.values()) {
            long n = c.drops(r);
            if (n > 0) {
                sb.append(", drop ").append(r.metricName()).append(' ').append(n);
            }
        }
        log.info("{}", sb);
        for (ServiceView s : balancer.serviceViews()) {
            log.info(
                    "service {}: {} packets, {} bytes forwarded",
                    s.name(),
                    balancer.forwardedPackets(s.id()),
                    balancer.forwardedBytes(s.id()));
        }
        for (Vserver v : balancer.vservers()) {
            log.info(
                    "vserver {}: {} new clients, {} persistence hits, {} re-picked, {} persisted clients",
                    v.config().name(),
                    v.newClients(),
                    v.persistenceHits(),
                    v.repicks(),
                    v.persistence() == null ? 0 : v.persistence().size());
        }
    }
}
