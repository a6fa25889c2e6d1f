package dsrlb.bench;

import dsrlb.health.tftp.TftpPackets;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;

/**
 * Request → first reply times of a TFTP server: an RRQ for a file the server does not have
 * draws an immediate ERROR from a new port. Through the VIP that is one client packet through
 * the load balancer and one reply straight back: the latency dsrlb adds to every lock-step
 * exchange of a transfer. Measured one at a time, so queues never build up.
 */
public final class RoundTripMeter {
    /** What a series found: round trips in nanoseconds, and requests that drew no answer. */
    public record Series(long[] nanos, int lost) {}

    private RoundTripMeter() {}

    /**
     * @param timeoutMillis how long one request waits before it counts as lost
     */
    public static Series measure(InetAddress source, InetSocketAddress target, String missingFile, int count,
            int timeoutMillis) throws IOException {
        byte[] rrq = TftpPackets.rrq(missingFile, 0);
        byte[] reply = new byte[1500];
        long[] nanos = new long[count];
        int measured = 0;
        int lost = 0;
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(source, 0))) {
            socket.setSoTimeout(timeoutMillis);
            DatagramPacket out = new DatagramPacket(rrq, rrq.length, target);
            DatagramPacket in = new DatagramPacket(reply, reply.length);
            for (int i = 0; i < count; i++) {
                long t0 = System.nanoTime();
                socket.send(out);
                try {
                    socket.receive(in);
                    nanos[measured++] = System.nanoTime() - t0;
                } catch (SocketTimeoutException e) {
                    lost++;
                }
            }
        }
        return new Series(java.util.Arrays.copyOf(nanos, measured), lost);
    }
}
