package dsrlb.dataplane;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.lang.reflect.Field;
import org.pcap4j.core.PcapHandle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-frame calls of the pcap engine, made straight to the libpcap that pcap4j opened the
 * handle with. pcap4j's own {@code getNextRawPacketEx()} allocates two JNA {@code Memory}
 * objects a frame (each malloc'd, registered in a ConcurrentHashMap and freed by a cleaner)
 * and a new array: a profile at 40 kpps put that bookkeeping above dsrlb's whole decision.
 * Here {@code pcap_next_ex} and {@code pcap_sendpacket} are bound by JNA direct mapping with
 * integer and address arguments, into native slots made once, so a frame costs one native
 * call and one copy, and allocates nothing.
 *
 * <p>pcap4j still opens, configures (immediate mode, direction, filter) and closes the
 * handle; only the pcap_t pointer is taken from it, by reflection. When that fails (another
 * pcap4j), {@link #of} returns null and the engine stays on pcap4j's calls.
 */
final class PcapFastPath {
    private static final Logger log = LoggerFactory.getLogger(PcapFastPath.class);
    /** Offset of caplen in struct pcap_pkthdr on LP64: after a struct timeval of two longs. */
    private static final int CAPLEN_OFFSET = 16;

    private static volatile boolean bound;
    private static volatile boolean failed;

    private final long pcap;
    private final Memory slots = new Memory(16);
    private final long headerSlot = Pointer.nativeValue(slots);
    private final long dataSlot = headerSlot + 8;
    private final MovablePointer frame = new MovablePointer();
    private final Memory sendBuffer = new Memory(65_536);

    private PcapFastPath(long pcap) {
        this.pcap = pcap;
    }

    /** The fast path for an open handle, or null when this pcap4j/libpcap cannot give one. */
    static PcapFastPath of(PcapHandle handle) {
        if (failed || !bind()) {
            return null;
        }
        try {
            Field f = PcapHandle.class.getDeclaredField("handle");
            f.setAccessible(true);
            Pointer p = (Pointer) f.get(handle);
            long address = Pointer.nativeValue(p);
            return address == 0 ? null : new PcapFastPath(address);
        } catch (ReflectiveOperationException | RuntimeException e) {
            failOnce("cannot reach pcap4j's handle (" + e + ")");
            return null;
        }
    }

    private static synchronized boolean bind() {
        if (bound) {
            return true;
        }
        try {
            String name = System.getProperty("org.pcap4j.core.pcapLibName", "pcap");
            Native.register(PcapFastPath.class, NativeLibrary.getInstance(name));
            bound = true;
            return true;
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            failOnce("cannot bind libpcap directly (" + e.getMessage() + ")");
            return false;
        }
    }

    private static void failOnce(String why) {
        if (!failed) {
            failed = true;
            log.warn("pcap engine: {}; using pcap4j's per-frame calls (slower)", why);
        }
    }

    /**
     * Copies the next frame into {@code buffer}.
     *
     * @return its length; 0 on timeout or after pcap_breakloop; -1 on an error (pcap_geterr says which)
     */
    int next(byte[] buffer) {
        int rc = pcap_next_ex(pcap, headerSlot, dataSlot);
        if (rc != 1) {
            return rc == 0 || rc == -2 ? 0 : -1;
        }
        frame.moveTo(slots.getLong(0));
        int caplen = frame.getInt(CAPLEN_OFFSET);
        int n = Math.min(caplen, buffer.length);
        frame.moveTo(slots.getLong(8));
        frame.read(0, buffer, 0, n);
        return n;
    }

    /** Sends a frame; callers serialize (the buffer is shared). Returns pcap_sendpacket's result. */
    int send(byte[] frameBytes, int length) {
        sendBuffer.write(0, frameBytes, 0, length);
        return pcap_sendpacket(pcap, Pointer.nativeValue(sendBuffer), length);
    }

    /** The handle's socket (pcap_fileno), for {@link FilterLock}. */
    int fd() {
        return pcap_fileno(pcap);
    }

    /** The last error of the handle, for messages. */
    String lastError() {
        return pcap_geterr(pcap);
    }

    /** A pointer that can be moved, so reading a frame allocates no Pointer. */
    private static final class MovablePointer extends Pointer {
        MovablePointer() {
            super(0);
        }

        void moveTo(long address) {
            peer = address;
        }
    }

    // libpcap; pointers as long, so a call converts and allocates nothing.
    private static native int pcap_next_ex(long pcap, long headerOut, long dataOut);

    private static native int pcap_sendpacket(long pcap, long buffer, int size);

    private static native int pcap_fileno(long pcap);

    private static native String pcap_geterr(long pcap);
}
