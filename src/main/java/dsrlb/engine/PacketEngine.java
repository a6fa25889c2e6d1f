package dsrlb.engine;

import dsrlb.balance.ForwardingState;
import dsrlb.balance.LoadBalancer;
import dsrlb.config.DsrConfig;
import dsrlb.dataplane.ForwardedFrameListener;
import dsrlb.dataplane.PacketIo;
import dsrlb.status.GlobalReport;
import dsrlb.transfer.TransferTracker;
import java.util.function.Supplier;

/**
 * One packet engine as the daemon sees it: how frames get to the forwarder ({@link #packetIo}),
 * an optional kernel fast path the forwarder tells of each decision ({@link #decisions}),
 * and what the engine does when the control plane changes. The daemon calls these in one
 * order: {@link #start}, then any of {@link #publish}, {@link #newGeneration} and
 * {@link #setActive}, and {@link #close} last. Adding an engine is one class and one line in
 * {@link Engines}.
 */
public interface PacketEngine extends AutoCloseable {
    EngineKind kind();

    PacketIo packetIo();

    /** Receives each forwarding decision on the receive thread; must neither block nor allocate. */
    default ForwardedFrameListener decisions() {
        return ForwardedFrameListener.NONE;
    }

    /**
     * The first generation is live; called once before the receive thread starts.
     *
     * @param balancer the current generation's balancer (changes on reload)
     * @param transfers the current generation's transfer table
     */
    default void start(Supplier<LoadBalancer> balancer, Supplier<TransferTracker> transfers) {}

    /** A new snapshot of the running config (health, admin state, MACs). */
    default void publish(ForwardingState state) {}

    /** A reloaded config is now current; its service ids may mean other services than before. */
    default void newGeneration(DsrConfig config, ForwardingState state) {}

    /** HA: active owns the VIPs; a standby must forward nothing, also not from the kernel. */
    default void setActive(boolean active) {}

    /** The kernel side's counters for status and metrics, or null for an engine without one. */
    default GlobalReport.KernelPath kernelPath() {
        return null;
    }

    /** One line for the log at stop, or null. */
    default String stopSummary() {
        return null;
    }

    /** Releases everything the engine set up (handles, kernel tables, links). */
    @Override
    void close();
}
