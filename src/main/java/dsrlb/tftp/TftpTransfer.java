package dsrlb.tftp;

import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;

/**
 * One download's socket, bound before anything is sent so that a caller whose
 * {@link DatagramSender} builds its own IP/UDP headers can learn the source address and port
 * first. Runs once; close it afterwards.
 */
public final class TftpTransfer implements AutoCloseable {
    private final TftpRequest request;
    private final DatagramSocket socket;
    private final DatagramSender socketSender;
    private boolean ran;

    TftpTransfer(TftpRequest request) throws IOException {
        this.request = request;
        // Not connected: the server answers from a port we do not know yet (its TID).
        this.socket = new DatagramSocket(new InetSocketAddress(request.localAddress(), 0));
        this.socketSender = (data, length, to) -> socket.send(new DatagramPacket(data, length, to));
    }

    /** Where the replies must be sent: the bound address (the wildcard when none was asked) and port. */
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    /** The sender through this transfer's own socket, for callers that want to wrap it. */
    public DatagramSender socketSender() {
        return socketSender;
    }

    /** Downloads through the socket, keeping only the hash of the content. */
    public TftpResult run() {
        return run(null, null);
    }

    /** Downloads, sending every packet through {@code sender} (null: the socket). */
    public TftpResult run(DatagramSender sender) {
        return run(sender, null);
    }

    /**
     * Downloads, sending every packet through {@code sender} (null: the socket) and writing the
     * content to {@code sink} as it arrives (null: the content is only hashed). ICMP errors are
     * diagnosed only with the socket sender: with another one, the kernel's view of the path
     * says nothing about the path the packets took.
     */
    public synchronized TftpResult run(DatagramSender sender, OutputStream sink) {
        if (ran) {
            throw new IllegalStateException("a TftpTransfer runs once");
        }
        ran = true;
        boolean viaSocket = sender == null || sender == socketSender;
        return new Download(request, socket, viaSocket ? socketSender : sender, viaSocket, sink).run();
    }

    @Override
    public void close() {
        socket.close();
    }
}
