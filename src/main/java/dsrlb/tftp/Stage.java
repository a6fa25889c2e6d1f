package dsrlb.tftp;

/** How far a download got; a failure reports the stage it failed in. */
public enum Stage {
    /** The socket could not be bound or the RRQ could not be sent. */
    SENDING_RRQ,
    /** RRQ sent, neither OACK, DATA 1 nor ERROR received yet. */
    WAITING_FIRST_REPLY,
    /** The server answered; blocks are flowing. */
    TRANSFERRING,
    /** The last block arrived; size and hash are being checked. */
    VERIFYING
}
