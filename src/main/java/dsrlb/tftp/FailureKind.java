package dsrlb.tftp;

/** Why a download failed, coarse enough to switch on (state-change reasons, exit codes). */
public enum FailureKind {
    /** No (valid) answer within the per-packet timeout after all retries, or past the total deadline. */
    TIMEOUT,
    /** The server sent an ERROR packet; its code and message are in the diagnosis. */
    TFTP_ERROR,
    /** The server's host said nothing listens on the port (only detected with the socket sender). */
    ICMP_UNREACHABLE,
    /**
     * The first answer came from another address than the one asked (serverTid says which): a
     * DSR backend answering from its own address instead of the VIP. Real clients drop it.
     */
    WRONG_SOURCE,
    /** Received size differs from the expected size or from the server's own tsize. */
    SIZE_MISMATCH,
    /** SHA-256 of the received content differs from the expected one. */
    HASH_MISMATCH,
    /** The server broke RFC 1350/2347: bad option values, wrong opcodes, oversized blocks. */
    PROTOCOL_ERROR,
    /** A local socket operation failed (bind, send, route). */
    IO_ERROR
}
