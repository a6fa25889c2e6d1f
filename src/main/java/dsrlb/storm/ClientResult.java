package dsrlb.storm;

import dsrlb.tftp.FailureKind;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * What one client of a storm got.
 *
 * @param source the address the client was bound to
 * @param target the server it fetched from (one of the storm's targets)
 * @param completion from the storm's common start to the client's last ACK (to its failure
 *        when it failed): what a booting machine waits for its file
 * @param transfer from the client's RRQ to its last ACK, as {@code dsrlb probe} measures
 * @param bytes content bytes received in order
 * @param retransmissions packets the client sent again because their answer timed out
 * @param duplicates DATA blocks (or OACKs) the server sent again that had already arrived: the
 *        server's own retransmissions after a late or lost ACK
 * @param sha256 lower-case hex SHA-256 of the content, null unless all of it arrived
 * @param kind why it failed, null on success
 * @param reason one line for people, null on success
 */
public record ClientResult(
        InetAddress source,
        InetAddress target,
        Duration completion,
        Duration transfer,
        long bytes,
        int retransmissions,
        int duplicates,
        String sha256,
        FailureKind kind,
        String reason) {
    public ClientResult {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(completion, "completion");
        Objects.requireNonNull(transfer, "transfer");
        if ((kind == null) != (reason == null)) {
            throw new IllegalArgumentException("a failure has both a kind and a reason");
        }
    }

    public boolean ok() {
        return reason == null;
    }

    public String client() {
        return source.getHostAddress();
    }
}
