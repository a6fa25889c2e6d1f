package dsrlb.daemon;

import dsrlb.balance.LoadBalancer;
import dsrlb.control.ServiceControl;
import java.time.Duration;

/** The control socket's enable/disable, applied to the running load balancer. */
final class LoadBalancerControl implements ServiceControl {
    private final LoadBalancer balancer;

    LoadBalancerControl(LoadBalancer balancer) {
        this.balancer = balancer;
    }

    @Override
    public boolean enable(String service) {
        int id = balancer.serviceId(service);
        if (id >= 0) {
            balancer.setAdminEnabled(id, true);
        }
        return id >= 0;
    }

    @Override
    public boolean disable(String service, boolean graceful, Duration delay) {
        int id = balancer.serviceId(service);
        if (id >= 0 && graceful) {
            balancer.disableGracefully(id, delay, System.nanoTime());
        } else if (id >= 0) {
            balancer.setAdminEnabled(id, false);
        }
        return id >= 0;
    }

    @Override
    public String state(String service) {
        return balancer.serviceViews().get(balancer.serviceId(service)).status().label();
    }
}
