package dsrlb.offload;

import dsrlb.dataplane.PacketIo;
import dsrlb.dataplane.PcapPacketIo;
import dsrlb.net.MacAddress;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives from the capture veth, sends on the LAN interface. While the kernel path is gone
 * (our table was removed from outside), it receives on the LAN interface instead, with the
 * capture filter a user-space engine uses, so dsrlb forwards every frame until the table is back.
 */
final class SplitPacketIo implements PacketIo {
    private static final Logger log = LoggerFactory.getLogger(SplitPacketIo.class);
    /** A filter nothing on a LAN matches (IEEE 802 local experimental EtherType 1): the send handle copies no frames to us. */
    static final String MATCH_NOTHING = "ether proto 0x88b5";

    private final PacketIo in;
    private final PcapPacketIo lan;
    private final String lanFilter;
    private volatile boolean fallbackWanted;
    /** Receive thread only: whether the LAN handle's filter lets frames through now. */
    private boolean fallbackOn;

    SplitPacketIo(PacketIo in, PcapPacketIo lan, String lanFilter) {
        this.in = in;
        this.lan = lan;
        this.lanFilter = lanFilter;
    }

    /** Any thread: receive on the LAN interface (true) or from the capture veth again (false). */
    void fallBackToLan(boolean on) {
        fallbackWanted = on;
        in.wakeup();
        lan.wakeup();
    }

    @Override
    public int receive(byte[] buffer) throws IOException {
        boolean want = fallbackWanted;
        if (want != fallbackOn) {
            // The filter is changed by the thread that reads the handle: libpcap is not thread-safe.
            lan.setFilter(want ? lanFilter : MATCH_NOTHING);
            fallbackOn = want;
            log.info("offload: receiving on {}", want ? "the LAN interface (kernel path gone)" : "the capture veth");
        }
        return fallbackOn ? lan.receive(buffer) : in.receive(buffer);
    }

    @Override
    public void send(byte[] frame, int length) throws IOException {
        lan.send(frame, length);
    }

    @Override
    public void wakeup() {
        in.wakeup();
        lan.wakeup();
    }

    @Override
    public long droppedByKernel() {
        return in.droppedByKernel();
    }

    @Override
    public MacAddress mac() {
        return lan.mac();
    }

    @Override
    public void close() {
        in.close();
        lan.close();
    }
}
