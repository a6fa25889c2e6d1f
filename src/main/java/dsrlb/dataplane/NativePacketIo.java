package dsrlb.dataplane;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import dsrlb.net.MacAddress;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.IntBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The native engine (native/dsrlbnet.c): an AF_PACKET receive ring mapped into this process
 * and batched sends, through JNA direct mapping. One native call fetches a batch of frames
 * (their offsets in the ring); each frame is then copied once, from the mapped ring straight
 * into the forwarder's buffer, with no JNA crossing and no allocation. What the forwarder
 * sends while it works through a batch is queued and leaves in one sendmmsg when the batch is
 * done, before the receiver waits again; sends from other threads (ARP, monitors) go out at
 * once.
 */
public final class NativePacketIo implements PacketIo {
    private static final Logger log = LoggerFactory.getLogger(NativePacketIo.class);
    /** How the receive ring hands frames over; see native/dsrlbnet.c. */
    public enum Ring {
        /** Frame by frame as each arrives: no added wait, for lock-step traffic like TFTP. */
        V2(2),
        /** Block by block: fewer wake-ups under load, but a part-full block waits for its timer. */
        V3(3);

        final int version;

        Ring(int version) {
            this.version = version;
        }
    }

    private static final int POLL_MILLIS = 100;
    /** The ring's size: as pcap's buffer, deep enough for a boot storm's bursts of ACKs. */
    private static final int RING_BYTES = 64 << 20;
    /** V3's hand-over unit and V2's allocation unit; RING_BYTES is a whole number of them. */
    private static final int BLOCK_BYTES = 1 << 16;

    private static final int V3_RETIRE_MILLIS = 1;
    /** Room for a batch of full-size frames; a frame that does not fit leaves alone. */
    private static final int TX_BYTES = 1 << 20;

    private static final int ERROR_BYTES = 256;

    private static volatile Throwable loadFailure;
    private static volatile boolean loaded;

    private final long handle;
    private final MacAddress mac;
    private final String interfaceName;
    private final ByteBuffer ring;
    private final Memory rxPairsMemory;
    private final IntBuffer rxPairs;
    private final int maxRxBatch;
    private int rxCount;
    private int rxNext;

    private final Memory txMemory;
    private final ByteBuffer txFrames;
    private final Memory txLengthsMemory;
    private final IntBuffer txLengths;
    private final int maxTxBatch;
    private int txCount;

    private final Object controlSendLock = new Object();
    private final Memory controlFrame = new Memory(65_536);
    private final ByteBuffer controlBuffer = controlFrame.getByteBuffer(0, controlFrame.size());

    private volatile Thread receiver;
    /** Queued frames sendmmsg did not take; only the receive thread writes it. */
    private long lostSends;

    private volatile boolean closed;

    private NativePacketIo(long handle, String interfaceName, MacAddress mac) {
        this.handle = handle;
        this.interfaceName = interfaceName;
        this.mac = mac;
        this.ring = new Pointer(dsrlb_ring_base(handle)).getByteBuffer(0, RING_BYTES);
        this.maxRxBatch = dsrlb_max_batch(handle);
        this.rxPairsMemory = new Memory(8L * maxRxBatch);
        this.rxPairs = rxPairsMemory
                .getByteBuffer(0, rxPairsMemory.size())
                .order(ByteOrder.nativeOrder())
                .asIntBuffer();
        this.maxTxBatch = dsrlb_max_tx_batch();
        this.txMemory = new Memory(TX_BYTES);
        this.txFrames = txMemory.getByteBuffer(0, TX_BYTES);
        this.txLengthsMemory = new Memory(4L * maxTxBatch);
        this.txLengths = txLengthsMemory
                .getByteBuffer(0, txLengthsMemory.size())
                .order(ByteOrder.nativeOrder())
                .asIntBuffer();
    }

    /** Opens the engine with the ring that suits lock-step TFTP ({@link Ring#V2}). */
    public static NativePacketIo open(String interfaceName, MacAddress mac, String filter) throws IOException {
        return open(interfaceName, mac, filter, Ring.V2);
    }

    /**
     * Opens the engine on an interface with the given ring version, loading the native library
     * first if this is the first engine of the process.
     *
     * @param filter a BPF expression (tcpdump syntax) for what this engine must see
     * @throws IOException when the library cannot be loaded or the socket cannot be set up (the
     *     message says which step failed and why, e.g. "socket(AF_PACKET): Operation not permitted")
     */
    public static NativePacketIo open(String interfaceName, MacAddress mac, String filter, Ring ring)
            throws IOException {
        load();
        byte[] error = new byte[ERROR_BYTES];
        long handle = dsrlb_open(
                interfaceName, filter, ring.version, RING_BYTES, BLOCK_BYTES, V3_RETIRE_MILLIS, error, ERROR_BYTES);
        if (handle == 0) {
            throw new IOException("--engine native on " + interfaceName + ": " + Native.toString(error));
        }
        NativePacketIo io = new NativePacketIo(handle, interfaceName, mac);
        FilterLock.report(io.filterLocked(), "native " + interfaceName);
        return io;
    }

    /** Loads the engine's library, or says why it cannot be loaded here. */
    public static void requireLibrary() throws IOException {
        load();
    }

    // The failure is cached on purpose: a library that failed to load stays failed for the JVM's
    // life (a second Native.register says less), so every later open reports the first message.
    @SuppressWarnings("StaticAssignmentOfThrowable")
    private static synchronized void load() throws IOException {
        if (loaded) {
            return;
        }
        if (loadFailure == null) {
            try {
                // From the class path (the jar's linux-x86-64/libdsrlbnet.so) or jna.library.path.
                Native.register(NativePacketIo.class, NativeLibrary.getInstance("dsrlbnet"));
                loaded = true;
                return;
            } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
                loadFailure = e;
            }
        }
        throw new IOException("the native engine's library (libdsrlbnet.so) cannot be loaded: "
                + loadFailure.getMessage() + "; it needs libpcap0.8 (apt-get install libpcap0.8),"
                + " or use --engine pcap");
    }

    @Override
    public int receive(byte[] buffer) throws IOException {
        if (receiver == null) {
            receiver = Thread.currentThread();
        }
        if (rxNext == rxCount) {
            // The batch is done: what the forwarder made of it leaves before we wait again.
            flushSends();
            rxNext = 0;
            rxCount = 0;
            if (closed) {
                throw new IOException("receive on " + interfaceName + ": closed");
            }
            int n = dsrlb_rx_batch(handle, Pointer.nativeValue(rxPairsMemory), maxRxBatch, POLL_MILLIS);
            if (n < 0) {
                throw new IOException("receive on " + interfaceName + ": error " + -n + " from the ring");
            }
            rxCount = n;
            if (n == 0) {
                return 0;
            }
        }
        int offset = rxPairs.get(2 * rxNext);
        int length = Math.min(rxPairs.get(2 * rxNext + 1), buffer.length);
        rxNext++;
        ring.get(offset, buffer, 0, length);
        return length;
    }

    @Override
    public void send(byte[] frame, int length) throws IOException {
        if (Thread.currentThread() != receiver) {
            sendNow(frame, length);
            return;
        }
        if (txCount == maxTxBatch || txFrames.position() + length > TX_BYTES) {
            flushSends();
        }
        if (length > TX_BYTES) {
            sendNow(frame, length);
            return;
        }
        txFrames.put(frame, 0, length);
        txLengths.put(txCount++, length);
    }

    /**
     * Sends the queued batch. A failure loses the batch, as a full NIC queue would, and is
     * logged (the first, then every 1000th); it must not stop the receiver, which would wait
     * out an error back-off with every client's ACK.
     */
    private void flushSends() {
        if (txCount == 0) {
            return;
        }
        int count = txCount;
        txCount = 0;
        txFrames.clear();
        int sent = dsrlb_tx_batch(handle, Pointer.nativeValue(txMemory), Pointer.nativeValue(txLengthsMemory), count);
        if (sent < count) {
            long lost = (long) count - Math.max(sent, 0);
            if (lostSends % 1000 == 0) {
                log.warn(
                        "send on {}: {} of {} frames lost (errno {}); {} lost so far",
                        interfaceName,
                        lost,
                        count,
                        sent < 0 ? -sent : 0,
                        lostSends + lost);
            }
            lostSends += lost;
        }
    }

    private void sendNow(byte[] frame, int length) throws IOException {
        synchronized (controlSendLock) {
            if (closed) {
                throw new IOException("send on " + interfaceName + ": closed");
            }
            if (length > controlFrame.size()) {
                throw new IOException("send on " + interfaceName + ": frame of " + length + " bytes");
            }
            controlBuffer.put(0, frame, 0, length);
            int rc = dsrlb_send(handle, Pointer.nativeValue(controlFrame), length);
            if (rc < 0) {
                throw new IOException("send on " + interfaceName + ": error " + -rc);
            }
        }
    }

    @Override
    public void wakeup() {
        synchronized (controlSendLock) {
            if (!closed) {
                dsrlb_wakeup(handle);
            }
        }
    }

    /** Whether the capture socket's filter is locked (SO_LOCK_FILTER, set at open), as the kernel says. */
    public boolean filterLocked() {
        return FilterLock.isLocked(fd());
    }

    /** The AF_PACKET socket, for {@link FilterLock} (tests read its lock back). */
    public int fd() {
        return dsrlb_fd(handle);
    }

    @Override
    public long droppedByKernel() {
        synchronized (controlSendLock) {
            return closed ? -1 : dsrlb_drops(handle);
        }
    }

    @Override
    public MacAddress mac() {
        return mac;
    }

    /** Must be called once the receive thread has left {@link #receive}: the ring goes away. */
    @Override
    public void close() {
        synchronized (controlSendLock) {
            if (closed) {
                return;
            }
            closed = true;
            dsrlb_close(handle);
        }
    }

    @Override
    public String toString() {
        return "native " + interfaceName;
    }

    // native/dsrlbnet.c; addresses as long, so a call converts and allocates nothing.
    private static native long dsrlb_open(
            String ifName,
            String filter,
            int version,
            int ringBytes,
            int blockBytes,
            int retireMillis,
            byte[] error,
            int errorBytes);

    private static native int dsrlb_rx_batch(long handle, long pairs, int max, int timeoutMillis);

    private static native int dsrlb_tx_batch(long handle, long frames, long lengths, int count);

    private static native int dsrlb_send(long handle, long frame, int length);

    private static native void dsrlb_wakeup(long handle);

    private static native long dsrlb_drops(long handle);

    private static native long dsrlb_ring_base(long handle);

    private static native int dsrlb_fd(long handle);

    private static native int dsrlb_max_batch(long handle);

    private static native int dsrlb_max_tx_batch();

    private static native void dsrlb_close(long handle);
}
