package dsrlb.dataplane;

import dsrlb.net.MacAddress;
import java.io.IOException;

/**
 * The seam between the forwarder and a packet engine: libpcap ({@link PcapPacketIo}), an
 * AF_PACKET ring ({@link NativePacketIo}), or the offload engine's capture veth. The forwarder
 * cannot tell engines apart, so tests run it on an in-memory one.
 *
 * <p>{@link #receive} is called by the one receive thread. {@link #send} may also be called
 * by control threads (ARP requests, gratuitous ARP): engines must allow that.
 */
public interface PacketIo extends AutoCloseable {
    /**
     * Waits briefly for the next frame addressed to us and copies it into {@code buffer}.
     *
     * @return the frame's length, 0 when none arrived in the engine's poll interval
     * @throws IOException when the interface fails; the caller decides whether to retry
     */
    int receive(byte[] buffer) throws IOException;

    void send(byte[] frame, int length) throws IOException;

    /**
     * Makes a {@link #receive} that is blocked right now return (with an exception or 0), so
     * the receive thread can see that it must stop. libpcap in immediate mode may block in
     * poll() without a timeout, and closing a handle under a reader deadlocks pcap4j.
     */
    void wakeup();

    /** Frames lost before we could read them (ring overflow), or -1 when the engine cannot tell. */
    default long droppedByKernel() {
        return -1;
    }

    /** The interface's own MAC: the source of everything we send. */
    MacAddress mac();

    @Override
    void close();
}
