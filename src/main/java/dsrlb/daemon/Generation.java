package dsrlb.daemon;

import dsrlb.balance.LoadBalancer;
import dsrlb.config.DsrConfig;
import dsrlb.control.ServiceControl;
import dsrlb.dataplane.ArpResolver;
import dsrlb.health.HealthMonitor;
import dsrlb.status.LiveStatus;
import dsrlb.transfer.TransferTracker;

/**
 * What one loaded config runs on: its balancer, the ARP resolver and health monitor of its
 * services, and the status and steering views the control socket serves. A reload builds a
 * new generation beside the running one, carries state over, and swaps; the packet engine, the
 * forwarder and its counters outlive generations.
 */
public record Generation(
        DsrConfig config,
        LoadBalancer balancer,
        ArpResolver resolver,
        HealthMonitor health,
        TransferTracker transfers,
        LiveStatus status,
        ServiceControl control)
        implements AutoCloseable {

    public void start() {
        resolver.start();
        health.start();
    }

    @Override
    public void close() {
        health.close();
        resolver.close();
    }
}
