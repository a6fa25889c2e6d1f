package dsrlb.engine;

import dsrlb.balance.ForwardingState;
import dsrlb.balance.LoadBalancer;
import dsrlb.config.DsrConfig;
import dsrlb.dataplane.ForwardedFrameListener;
import dsrlb.dataplane.PacketIo;
import dsrlb.frame.Ipv6Packet;
import dsrlb.offload.OffloadEngine;
import dsrlb.offload.OffloadProgrammer;
import dsrlb.status.GlobalReport;
import dsrlb.transfer.TransferTracker;
import java.util.Locale;
import java.util.function.Supplier;

/** The offload engine behind the seam: the kernel forwards each client once dsrlb decided. */
final class OffloadPacketEngine implements PacketEngine {
    private final OffloadEngine kernel;
    private final ForwardedFrameListener decisions;

    OffloadPacketEngine(OffloadEngine kernel) {
        this.kernel = kernel;
        // Until the programmer exists (before start) decisions have nowhere to go.
        this.decisions = new ForwardedFrameListener() {
            @Override
            public void forwarded(byte[] frame, int length, int vip, int client, int service, int protocol, int port) {
                OffloadProgrammer p = kernel.programmer();
                if (p != null) {
                    p.forwarded(vip, client, service);
                }
            }

            @Override
            public void forwardedIpv6(byte[] frame, int length, int ip, int vip, int service, int protocol, int port) {
                OffloadProgrammer p = kernel.programmer();
                if (p != null) {
                    // The source read as two longs: no address object on the receive thread.
                    p.forwarded(vip, Ipv6Packet.sourceHigh(frame, ip), Ipv6Packet.sourceLow(frame, ip), service);
                }
            }
        };
    }

    @Override
    public EngineKind kind() {
        return EngineKind.OFFLOAD;
    }

    @Override
    public PacketIo packetIo() {
        return kernel.packetIo();
    }

    @Override
    public ForwardedFrameListener decisions() {
        return decisions;
    }

    @Override
    public void start(Supplier<LoadBalancer> balancer, Supplier<TransferTracker> transfers) {
        kernel.startProgrammer(balancer, transfers).publish(balancer.get().state());
    }

    @Override
    public void publish(ForwardingState state) {
        OffloadProgrammer p = kernel.programmer();
        if (p != null) {
            p.publish(state);
        }
    }

    @Override
    public void newGeneration(DsrConfig config, ForwardingState state) {
        kernel.newGeneration(config, state);
    }

    @Override
    public void setActive(boolean active) {
        OffloadProgrammer p = kernel.programmer();
        if (p != null) {
            p.setActive(active);
        }
    }

    @Override
    public GlobalReport.KernelPath kernelPath() {
        OffloadProgrammer p = kernel.programmer();
        if (p == null) {
            return new GlobalReport.KernelPath(0, 0, 0, 0, 0, 0, 0, 0);
        }
        return new GlobalReport.KernelPath(
                p.offloadedPackets(),
                p.offloadedBytes(),
                p.kernelEntries(),
                p.installs(),
                p.removals(),
                p.failures(),
                p.tableRestores(),
                p.mapFull());
    }

    @Override
    public String stopSummary() {
        OffloadProgrammer p = kernel.programmer();
        if (p == null) {
            return null;
        }
        long[] landing = p.landing();
        return String.format(
                Locale.ROOT,
                "offload: kernel forwarded %d packets, %d bytes; %d clients in "
                        + "its maps; %d installs in %d batches (decision to kernel element: mean %.2f ms, max %.2f ms), "
                        + "%d removals, %d failures, %d decisions dropped, %d left in user space (map full), table "
                        + "restored %d times",
                p.offloadedPackets(),
                p.offloadedBytes(),
                p.kernelEntries(),
                p.installs(),
                landing[0],
                landing[1] / 1e6,
                landing[2] / 1e6,
                p.removals(),
                p.failures(),
                p.ringDrops(),
                p.mapFull(),
                p.tableRestores());
    }

    @Override
    public void close() {
        kernel.close();
    }
}
