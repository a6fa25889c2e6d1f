package dsrlb.tftp;

import static dsrlb.tftp.TftpPackets.ACK;
import static dsrlb.tftp.TftpPackets.BLOCK_MASK;
import static dsrlb.tftp.TftpPackets.DATA;
import static dsrlb.tftp.TftpPackets.ERROR;

import java.net.InetSocketAddress;
import java.time.Duration;

/** How a download's trace and verdict name packets, blocks, addresses and times. */
final class TftpText {
    private TftpText() {}

    /** Blocks past the 16-bit rollover show their wire number too, as a capture would. */
    static String blockLabel(long block) {
        long wire = block & BLOCK_MASK;
        return wire == block ? Long.toString(block) : block + " (wire " + wire + ")";
    }

    static String describe(int op, byte[] b, int len) {
        if ((op == DATA || op == ACK) && len >= 4) {
            return TftpPackets.opcodeName(op) + " " + TftpPackets.u16At2(b);
        }
        if (op == ERROR && len >= 4) {
            return "ERROR " + TftpPackets.u16At2(b) + " " + TftpPackets.errorMessage(b, len);
        }
        return op < 0 ? len + "-byte datagram" : TftpPackets.opcodeName(op);
    }

    static String format(InetSocketAddress a) {
        return a == null ? "?" : a.getAddress().getHostAddress() + ":" + a.getPort();
    }

    static String format(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
    }
}
