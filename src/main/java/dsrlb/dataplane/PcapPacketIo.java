package dsrlb.dataplane;

import dsrlb.net.MacAddress;
import java.io.EOFException;
import java.io.IOException;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.concurrent.TimeoutException;
import org.pcap4j.core.BpfProgram;
import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.PcapNetworkInterface;

/**
 * The portable engine: libpcap through pcap4j. Immediate mode, because without it libpcap
 * holds packets for milliseconds and every TFTP ACK waits; direction IN, so frames we send
 * never come back to us.
 *
 * <p>pcap4j opens and configures the handle; the per-frame calls go to libpcap directly
 * ({@link PcapFastPath}), because pcap4j's allocate JNA memory for every frame. Where that is
 * not possible the engine falls back to pcap4j's calls, which copy each frame into a new array.
 */
public final class PcapPacketIo implements PacketIo {
    private static final int POLL_MILLIS = 100;
    /**
     * The kernel ring between the interface and us. libpcap's default (2 MiB) overflowed in a
     * boot storm's bursts of ACKs, and every lost ACK costs its client a TFTP timeout. With
     * the snaplen of {@link #snaplenFor} it holds ~40 000 frames of a 1500-byte MTU.
     */
    private static final int BUFFER_BYTES = 64 << 20;

    private final PcapHandle handle;
    private final MacAddress mac;
    /** libpcap's per-frame calls without pcap4j's allocations; null: pcap4j's calls. */
    private final PcapFastPath fast;

    private final Object sendLock = new Object();
    private boolean closed;

    private PcapPacketIo(PcapHandle handle, MacAddress mac) {
        this.handle = handle;
        this.mac = mac;
        this.fast = PcapFastPath.of(handle);
    }

    /**
     * Opens a capture handle on an interface with the default kernel buffer.
     *
     * @param filter a BPF expression (tcpdump syntax) for what this engine must see
     * @throws IOException with libpcap's message when the interface cannot be opened
     */
    public static PcapPacketIo open(String interfaceName, MacAddress mac, String filter) throws IOException {
        return open(interfaceName, mac, filter, BUFFER_BYTES);
    }

    /**
     * Opens a capture handle on an interface with a kernel buffer of the given size.
     *
     * @param bufferBytes the kernel ring's size (small for a handle that only sends)
     */
    public static PcapPacketIo open(String interfaceName, MacAddress mac, String filter, int bufferBytes)
            throws IOException {
        PcapHandle handle = null;
        try {
            handle = new PcapHandle.Builder(interfaceName)
                    .snaplen(snaplenFor(interfaceName))
                    .promiscuousMode(PcapNetworkInterface.PromiscuousMode.NONPROMISCUOUS)
                    .timeoutMillis(POLL_MILLIS)
                    .immediateMode(true)
                    .bufferSize(bufferBytes)
                    .build();
            handle.setDirection(PcapHandle.PcapDirection.IN);
            handle.setFilter(filter, BpfProgram.BpfCompileMode.OPTIMIZE);
            return new PcapPacketIo(handle, mac);
        } catch (PcapNativeException | NotOpenException e) {
            if (handle != null) {
                handle.close();
            }
            throw new IOException("cannot open " + interfaceName + " with libpcap: " + e.getMessage(), e);
        }
    }

    /**
     * The largest frame the interface can carry and we could send again: its MTU plus an
     * Ethernet header with a VLAN tag. libpcap sizes each slot of its ring by the snaplen; at
     * 65 535 (what it takes when the interface has GRO/GSO on, as veth and virtio do) the
     * 64 MiB ring held only ~1 000 frames, and a JIT or GC pause at a few thousand frames a
     * second overflowed it. A longer frame (GRO) arrives cut short, fails the forwarder's IPv4
     * length check and is dropped: it could not be sent whole anyway.
     */
    static int snaplenFor(String interfaceName) {
        try {
            NetworkInterface nif = NetworkInterface.getByName(interfaceName);
            int mtu = nif == null ? -1 : nif.getMTU();
            return mtu > 0 ? Math.min(65_535, mtu + 18) : 65_535;
        } catch (SocketException e) {
            return 65_535;
        }
    }

    @Override
    public int receive(byte[] buffer) throws IOException {
        if (fast != null) {
            int n = fast.next(buffer);
            if (n < 0) {
                throw new IOException("receive on " + handle + ": " + fast.lastError());
            }
            return n;
        }
        try {
            byte[] frame = handle.getNextRawPacketEx();
            int n = Math.min(frame.length, buffer.length);
            System.arraycopy(frame, 0, buffer, 0, n);
            return n;
        } catch (TimeoutException e) {
            return 0;
        } catch (EOFException | PcapNativeException | NotOpenException e) {
            throw new IOException("receive on " + handle + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void send(byte[] frame, int length) throws IOException {
        if (fast != null && length <= 65_536) {
            // Senders are the receive thread and control threads (ARP, monitors); the handle
            // must not close under a send.
            synchronized (sendLock) {
                if (closed) {
                    throw new IOException("send: closed");
                }
                if (fast.send(frame, length) != 0) {
                    throw new IOException("send: " + fast.lastError());
                }
            }
            return;
        }
        try {
            handle.sendPacket(frame, length);
        } catch (PcapNativeException | NotOpenException e) {
            throw new IOException("send: " + e.getMessage(), e);
        }
    }

    /**
     * Locks the capture filter (SO_LOCK_FILTER): for a handle whose filter never changes (the
     * pcap engine's); not for one whose filter is switched later ({@link #setFilter}, the
     * offload engine's LAN handle). A lock that cannot be set is a warning.
     *
     * @return whether the kernel says the filter is locked now
     */
    public boolean lockFilter() {
        int fd = fd();
        if (fd >= 0) {
            FilterLock.lock(fd);
        }
        boolean locked = FilterLock.isLocked(fd);
        FilterLock.report(locked, "pcap capture");
        return locked;
    }

    /** The handle's socket, or -1 when pcap4j's handle cannot be reached ({@link PcapFastPath}). */
    public int fd() {
        return fast == null ? -1 : fast.fd();
    }

    /**
     * Replaces the BPF filter. Call it from the thread that receives on this handle (libpcap
     * handles are not thread-safe); frames already queued are filtered again by libpcap.
     */
    public void setFilter(String filter) throws IOException {
        try {
            handle.setFilter(filter, BpfProgram.BpfCompileMode.OPTIMIZE);
        } catch (PcapNativeException | NotOpenException e) {
            throw new IOException("filter on " + handle + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void wakeup() {
        try {
            handle.breakLoop();
        } catch (NotOpenException e) {
            // already closed: nothing is blocked in it
        }
    }

    /** Frames the kernel dropped because we did not read them in time (libpcap's ps_drop). */
    @Override
    public long droppedByKernel() {
        try {
            return handle.getStats().getNumPacketsDropped();
        } catch (PcapNativeException | NotOpenException e) {
            return -1;
        }
    }

    @Override
    public MacAddress mac() {
        return mac;
    }

    @Override
    public void close() {
        synchronized (sendLock) {
            closed = true;
            if (handle.isOpen()) {
                handle.close();
            }
        }
    }
}
