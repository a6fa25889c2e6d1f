package dsrlb.daemon;

import dsrlb.balance.LoadBalancer;
import dsrlb.config.DsrConfig;
import dsrlb.control.ServiceControl;
import dsrlb.dataplane.ArpResolver;
import dsrlb.health.HealthMonitor;
import dsrlb.status.LiveStatus;
import dsrlb.transfer.TransferTracker;
import java.util.List;

/**
 * What one loaded config runs on: its balancer, the ARP resolvers (one per interface) and health monitor of its
 * services, and the status and steering views the control socket serves. A reload builds a
 * new generation beside the running one, carries state over, and swaps; the packet engine, the
 * forwarder and its counters outlive generations.
 */
public record Generation(
        DsrConfig config,
        LoadBalancer balancer,
        List<ArpResolver> resolvers,
        HealthMonitor health,
        TransferTracker transfers,
        LiveStatus status,
        ServiceControl control)
        implements AutoCloseable {

    /** @param resolvers one per interface dsrlb serves, in its order (config.InterfacePlan) */
    public Generation {
        resolvers = List.copyOf(resolvers);
    }

    public void start() {
        resolvers.forEach(ArpResolver::start);
        health.start();
    }

    /** Stops asking ARP/ND for this generation's backends (the next generation's resolvers ask). */
    public void closeResolvers() {
        resolvers.forEach(ArpResolver::close);
    }

    @Override
    public void close() {
        health.close();
        closeResolvers();
    }
}
