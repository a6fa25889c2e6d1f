package dsrlb.tftp;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Why and where a download failed: what a service's state-change line and the probe's detailed
 * diagnosis say.
 *
 * @param stage how far the download got
 * @param lastBlock the last block received in order, counted from 1 across the 16-bit rollover
 *        (0: none; after an OACK, 0 as well)
 * @param errorCode the server's ERROR code, for {@link FailureKind#TFTP_ERROR}
 * @param errorMessage the server's ERROR message, for {@link FailureKind#TFTP_ERROR}
 * @param reason one line for people, e.g. "timeout waiting for block 37 after 3 retries"
 * @param trace the first and last packets and timeouts, one event a line
 */
public record TftpDiagnosis(
        Stage stage,
        long lastBlock,
        FailureKind kind,
        OptionalInt errorCode,
        Optional<String> errorMessage,
        String reason,
        List<String> trace) {
    public TftpDiagnosis {
        Objects.requireNonNull(stage, "stage");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(errorCode, "errorCode");
        Objects.requireNonNull(errorMessage, "errorMessage");
        Objects.requireNonNull(reason, "reason");
        trace = List.copyOf(trace);
    }
}
