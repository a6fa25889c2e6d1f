package dsrlb.tftp;

import java.util.Optional;
import java.util.OptionalInt;

/** Ends a download from wherever the problem is detected; carries what the diagnosis reports. */
final class DownloadFailure extends Exception {
    private static final long serialVersionUID = 1L;

    final FailureKind kind;
    final OptionalInt errorCode;
    final Optional<String> errorMessage;

    DownloadFailure(FailureKind kind, String reason) {
        this(kind, reason, OptionalInt.empty(), Optional.empty());
    }

    DownloadFailure(FailureKind kind, String reason, OptionalInt errorCode, Optional<String> errorMessage) {
        // A verdict, not a bug: no stack trace to fill in on every failed probe.
        super(reason, null, false, false);
        this.kind = kind;
        this.errorCode = errorCode;
        this.errorMessage = errorMessage;
    }
}
