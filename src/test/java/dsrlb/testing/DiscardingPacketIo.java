package dsrlb.testing;

import dsrlb.dataplane.PacketIo;
import dsrlb.net.MacAddress;

/**
 * A {@link PacketIo} that receives nothing and only counts what is sent: for the allocation
 * tests, where {@link MemoryPacketIo}'s queue of copies would itself allocate per frame.
 */
public final class DiscardingPacketIo implements PacketIo {
    private final MacAddress mac;
    private long sent;

    public DiscardingPacketIo(MacAddress mac) {
        this.mac = mac;
    }

    /** Frames sent so far. */
    public long sent() {
        return sent;
    }

    @Override
    public int receive(byte[] buffer) {
        return 0;
    }

    @Override
    public void send(byte[] frame, int length) {
        sent++;
    }

    @Override
    public void wakeup() {}

    @Override
    public MacAddress mac() {
        return mac;
    }

    @Override
    public void close() {}
}
