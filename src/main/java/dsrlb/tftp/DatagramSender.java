package dsrlb.tftp;

import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * Puts one UDP payload on the way to {@code to}. The download uses it for every packet it sends
 * (RRQ, ACK, ERROR), so that a caller can take the packets another way than the client's socket
 * (for instance inside an Ethernet frame addressed to one backend's MAC) while the socket still
 * receives the replies. Such a sender must use {@link TftpTransfer#localAddress()} as the source.
 */
@FunctionalInterface
public interface DatagramSender {
    /**
     * Sends {@code data[0..length)}. The array is reused by the caller after this returns; an
     * implementation that keeps the bytes must copy them.
     */
    void send(byte[] data, int length, InetSocketAddress to) throws IOException;
}
