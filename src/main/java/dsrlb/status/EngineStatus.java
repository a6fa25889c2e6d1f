package dsrlb.status;

import java.util.List;
import java.util.function.Supplier;

/**
 * A status with what the daemon knows beyond the current generation: the packet engine's name
 * and its kernel side (if it has one) in the global report, and the node as a whole.
 */
public final class EngineStatus implements StatusSource {
    private final StatusSource status;
    private final String engine;
    private final Supplier<GlobalReport.KernelPath> kernelPath;
    private final Supplier<NodeReport> node;

    /** @param kernelPath the engine's kernel counters, or a supplier of null */
    public EngineStatus(StatusSource status, String engine, Supplier<GlobalReport.KernelPath> kernelPath) {
        this(status, engine, kernelPath, () -> null);
    }

    /**
     * @param kernelPath the engine's kernel counters, or a supplier of null
     * @param node this dsrlb's version, HA role and config generation
     */
    public EngineStatus(
            StatusSource status,
            String engine,
            Supplier<GlobalReport.KernelPath> kernelPath,
            Supplier<NodeReport> node) {
        this.status = status;
        this.engine = engine;
        this.kernelPath = kernelPath;
        this.node = node;
    }

    @Override
    public NodeReport node() {
        return node.get();
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
        return status.global().withEngine(engine, kernelPath.get());
    }

    @Override
    public PersistenceReport persistence(String client, int limit) {
        return status.persistence(client, limit);
    }
}
