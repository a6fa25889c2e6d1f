package dsrlb.daemon;

import dsrlb.balance.LoadBalancer;
import dsrlb.control.ServiceControl;
import dsrlb.status.GlobalReport;
import dsrlb.status.PersistenceReport;
import dsrlb.status.ServiceReport;
import dsrlb.status.StatusSource;
import dsrlb.status.VserverReport;
import java.time.Duration;
import java.util.List;

/**
 * The running generation, for everything that outlives a reload (control socket, metrics,
 * drain timer): each call goes to whichever generation is current at that moment.
 */
public final class CurrentGeneration implements StatusSource, ServiceControl {
    private volatile Generation current;

    public Generation get() {
        return current;
    }

    void set(Generation generation) {
        current = generation;
    }

    /** Used by a generation's balancer to tell whether its snapshots should reach the forwarder. */
    public boolean isCurrent(LoadBalancer balancer) {
        Generation g = current;
        return g != null && g.balancer() == balancer;
    }

    /** Before the first swap only: the generation dsrlb starts with. */
    public void install(Generation first) {
        if (current != null) {
            throw new IllegalStateException("already running a generation");
        }
        current = first;
    }

    @Override
    public List<ServiceReport> services() {
        return current.status().services();
    }

    @Override
    public List<VserverReport> vservers() {
        return current.status().vservers();
    }

    @Override
    public GlobalReport global() {
        return current.status().global();
    }

    @Override
    public PersistenceReport persistence(String client, int limit) {
        return current.status().persistence(client, limit);
    }

    @Override
    public boolean enable(String service) {
        return current.control().enable(service);
    }

    @Override
    public boolean disable(String service, boolean graceful, Duration delay) {
        return current.control().disable(service, graceful, delay);
    }

    @Override
    public String state(String service) {
        return current.control().state(service);
    }
}
