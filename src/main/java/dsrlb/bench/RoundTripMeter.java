package dsrlb.bench;

import dsrlb.tftp.TftpPackets;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Request → first reply times, one request at a time so queues never build up. Through the VIP
 * that is one client packet through the load balancer and one reply straight back: the latency
 * the load balancer adds to every lock-step exchange of a transfer.
 *
 * <p>Two servers to reflect off: a UDP echo ({@link EchoReflector}), whose own time is a few
 * microseconds, and a TFTP server, which answers an RRQ for a missing file with an ERROR from a
 * new port (tftpd-hpa forks for it: milliseconds, and their jitter).
 *
 * <p>A reply counts only if it comes from the address asked (and, for the echo, the port and the
 * request's sequence number): a DSR backend that answered from its real address, or a late answer
 * to an earlier request that timed out, is a stray, not a measurement.
 */
public final class RoundTripMeter {
    /**
     * What a series found: round trips in nanoseconds, requests that drew no valid answer in time,
     * and replies ignored as strays (wrong sender, stale or malformed).
     */
    // A measurement handed over once and never compared; an unboxed array keeps 100k samples small.
    @SuppressWarnings("ArrayRecordComponent")
    public record Series(long[] nanos, int lost, int strays) {}

    /** Echo payload: an 8-byte sequence number, then zeros. */
    public static final int MIN_ECHO_BYTES = 8;

    public static final int MAX_ECHO_BYTES = 1472;

    private RoundTripMeter() {}

    /**
     * RRQs for {@code missingFile}; any reply from the target's address ends a round trip.
     *
     * @param timeoutMillis how long one request waits before it counts as lost
     */
    public static Series measureTftp(
            InetAddress source, InetSocketAddress target, String missingFile, int count, int timeoutMillis)
            throws IOException {
        return measure(source, target, TftpPackets.rrq(missingFile, 0), false, count, timeoutMillis);
    }

    /** Echo requests of {@code payloadBytes}; only the same bytes back from target ends a round trip. */
    public static Series measureEcho(
            InetAddress source, InetSocketAddress target, int payloadBytes, int count, int timeoutMillis)
            throws IOException {
        if (payloadBytes < MIN_ECHO_BYTES || payloadBytes > MAX_ECHO_BYTES) {
            throw new IllegalArgumentException("echo payload " + MIN_ECHO_BYTES + ".." + MAX_ECHO_BYTES + " bytes");
        }
        return measure(source, target, new byte[payloadBytes], true, count, timeoutMillis);
    }

    private static Series measure(
            InetAddress source, InetSocketAddress target, byte[] request, boolean echo, int count, int timeoutMillis)
            throws IOException {
        byte[] reply = new byte[2048];
        ByteBuffer seq = ByteBuffer.wrap(request);
        long[] nanos = new long[count];
        int measured = 0;
        int lost = 0;
        int strays = 0;
        long timeoutNanos = timeoutMillis * 1_000_000L;
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(source, 0))) {
            DatagramPacket out = new DatagramPacket(request, request.length, target);
            DatagramPacket in = new DatagramPacket(reply, reply.length);
            for (int i = 0; i < count; i++) {
                if (echo) {
                    seq.putLong(0, i);
                }
                long t0 = System.nanoTime();
                socket.send(out);
                while (true) {
                    long left = timeoutNanos - (System.nanoTime() - t0);
                    if (left <= 0) {
                        lost++;
                        break;
                    }
                    socket.setSoTimeout((int) Math.max(1, left / 1_000_000));
                    in.setLength(reply.length);
                    try {
                        socket.receive(in);
                    } catch (SocketTimeoutException e) {
                        lost++;
                        break;
                    }
                    long t1 = System.nanoTime();
                    if (answers(in, target, request, echo)) {
                        nanos[measured++] = t1 - t0;
                        break;
                    }
                    strays++;
                }
            }
        }
        return new Series(Arrays.copyOf(nanos, measured), lost, strays);
    }

    private static boolean answers(DatagramPacket in, InetSocketAddress target, byte[] request, boolean echo) {
        if (!in.getAddress().equals(target.getAddress())) {
            return false;
        }
        if (!echo) {
            // tftpd answers from a new port: the address is all there is to check.
            return true;
        }
        return in.getPort() == target.getPort()
                && Arrays.equals(
                        in.getData(), in.getOffset(), in.getOffset() + in.getLength(), request, 0, request.length);
    }
}
