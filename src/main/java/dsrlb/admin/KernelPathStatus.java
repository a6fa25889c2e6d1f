package dsrlb.admin;

import java.util.List;
import java.util.function.Supplier;

/** A status with the offload engine's kernel-side counters added to its global report. */
public final class KernelPathStatus implements StatusSource {
    private final StatusSource status;
    private final Supplier<GlobalReport.KernelPath> kernelPath;

    public KernelPathStatus(StatusSource status, Supplier<GlobalReport.KernelPath> kernelPath) {
        this.status = status;
        this.kernelPath = kernelPath;
    }

    @Override
    public List<ServiceReport> services() {
        return status.services();
    }

    @Override
    public List<VserverReport> vservers() {
        return status.vservers();
    }

    @Override
    public GlobalReport global() {
        GlobalReport g = status.global();
        return new GlobalReport(g.time(), g.received(), g.forwarded(), g.checksumsCompleted(), g.arpRepliesSent(),
                g.vipArpConflicts(), g.lastVipArpConflict(), g.drops(), kernelPath.get());
    }

    @Override
    public PersistenceReport persistence(String client, int limit) {
        return status.persistence(client, limit);
    }
}
