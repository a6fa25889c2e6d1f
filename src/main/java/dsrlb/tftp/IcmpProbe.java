package dsrlb.tftp;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.time.Duration;

/**
 * Tells a dead port from a silent one. Java reports ICMP errors only on a connected
 * DatagramSocket, and the download's socket cannot be connected because TFTP servers answer
 * from a new port. So after the first reply times out, the same RRQ goes once more from a
 * separate socket connected to server:port; an ICMP port unreachable surfaces there as a
 * PortUnreachableException. A server that is merely slow answers this RRQ from a new port,
 * which the connected socket drops, and abandons that transfer when its DATA draws ICMP from
 * our closed socket.
 */
final class IcmpProbe {
    /** What the second RRQ drew. */
    enum Verdict {
        PORT_UNREACHABLE("ICMP port unreachable"),
        HOST_UNREACHABLE("ICMP host unreachable"),
        NO_ICMP(null);

        final String label;

        Verdict(String label) {
            this.label = label;
        }
    }

    private IcmpProbe() {}

    static Verdict check(InetSocketAddress server, InetAddress localAddress, byte[] rrq, Duration wait) {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(localAddress, 0))) {
            s.connect(server);
            s.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, wait.toMillis())));
            s.send(new DatagramPacket(rrq, rrq.length));
            s.receive(new DatagramPacket(new byte[4], 4));
            return Verdict.NO_ICMP;
        } catch (PortUnreachableException e) {
            return Verdict.PORT_UNREACHABLE;
        } catch (NoRouteToHostException e) {
            return Verdict.HOST_UNREACHABLE;
        } catch (SocketTimeoutException e) {
            return Verdict.NO_ICMP;
        } catch (IOException e) {
            // Not an answer either way; the download goes on and reports its own timeout.
            return Verdict.NO_ICMP;
        }
    }
}
