package dsrlb.tftp;

import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * The client's sending side: remembers the packet that expects an answer (the RRQ, then the
 * latest ACK) and when that answer is due, so a timeout or a duplicate from the server sends
 * it again (RFC 1350's retransmission is the receiver's job for the last packet it sent).
 */
final class Retransmitter {
    private final DatagramSender sender;
    private final PacketTrace trace;
    private final long timeoutNanos;

    private byte[] lastSent;
    private int lastSentLength;
    private InetSocketAddress lastSentTo;
    private String lastSentLabel;
    private long answerDeadline;
    private int retriesUsed;
    private int retransmissions;

    Retransmitter(DatagramSender sender, PacketTrace trace, long timeoutNanos) {
        this.sender = sender;
        this.trace = trace;
        this.timeoutNanos = timeoutNanos;
    }

    /** Sends a packet that expects an answer: it becomes the one a timeout repeats. */
    void sendTracked(byte[] p, int length, InetSocketAddress to, String label) throws DownloadFailure {
        lastSent = p;
        lastSentLength = length;
        lastSentTo = to;
        lastSentLabel = label;
        retriesUsed = 0;
        long now = System.nanoTime();
        send(p, length, to, label);
        trace.add(now, "-> " + label);
        answerDeadline = System.nanoTime() + timeoutNanos;
    }

    /** What retries of the tracked packet are called in the trace (the first send may say more). */
    void relabel(String label) {
        lastSentLabel = label;
    }

    /** The server sent its last packet again: ours was lost or late, so it goes once more. */
    void resend() throws DownloadFailure {
        send(lastSent, lastSentLength, lastSentTo, lastSentLabel);
    }

    /** No answer in time: the tracked packet goes again and the wait starts over. */
    void retry() throws DownloadFailure {
        retriesUsed++;
        retransmissions++;
        trace.add(System.nanoTime(), "-> " + lastSentLabel + " (retry " + retriesUsed + ")");
        send(lastSent, lastSentLength, lastSentTo, lastSentLabel);
        answerDeadline = System.nanoTime() + timeoutNanos;
    }

    /** Sends a packet whose loss changes nothing for us (ERRORs to a server or a stranger). */
    void sendQuietly(byte[] p, InetSocketAddress to, String label) {
        try {
            sender.send(p, p.length, to);
        } catch (IOException e) {
            trace.add(System.nanoTime(), "cannot send " + label + " to " + TftpText.format(to) + ": " + e.getMessage());
        }
    }

    private void send(byte[] p, int length, InetSocketAddress to, String label) throws DownloadFailure {
        try {
            sender.send(p, length, to);
        } catch (IOException e) {
            throw new DownloadFailure(
                    FailureKind.IO_ERROR,
                    "cannot send " + label + " to " + TftpText.format(to) + ": " + e.getMessage());
        }
    }

    long answerDeadline() {
        return answerDeadline;
    }

    int retriesUsed() {
        return retriesUsed;
    }

    int retransmissions() {
        return retransmissions;
    }
}
