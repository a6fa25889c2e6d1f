package dsrlb.tftp;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * What one download found.
 *
 * @param server where the RRQ was sent
 * @param serverTid the address:port the first OACK/DATA/ERROR came from, or null when nothing
 *        answered; when its address is not the server's, the download failed with
 *        {@link FailureKind#WRONG_SOURCE}
 * @param bytes content bytes received in order
 * @param elapsed from sending the RRQ to sending the last ACK (to the failure when failed)
 * @param blksize the block size in effect (512 when the server ignored the options)
 * @param tsize the size the server announced in its OACK, if it did
 * @param sha256 lower-case hex SHA-256 of the content; null unless all of it arrived
 * @param retransmissions packets sent again because their answer timed out
 * @param duplicates DATA blocks received a second time (acknowledged again, not appended)
 * @param diagnosis null on success
 */
public record TftpResult(
        InetSocketAddress server,
        InetSocketAddress serverTid,
        long bytes,
        Duration elapsed,
        int blksize,
        OptionalLong tsize,
        String sha256,
        int retransmissions,
        int duplicates,
        TftpDiagnosis diagnosis) {
    public TftpResult {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(elapsed, "elapsed");
        Objects.requireNonNull(tsize, "tsize");
    }

    public boolean success() {
        return diagnosis == null;
    }

    /**
     * True when the answer came from the address the request went to. Plain servers answer
     * from a new port but the same address; a DSR backend without the VIP (or without
     * IP_PKTINFO) answers from its own address instead.
     */
    public boolean answeredFromServerAddress() {
        return serverTid != null && serverTid.getAddress().equals(server.getAddress());
    }
}
