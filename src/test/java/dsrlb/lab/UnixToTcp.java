package dsrlb.lab;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Run inside a lab namespace ({@code ip netns exec}): accepts on a Unix socket, which every
 * namespace shares through the file system, and connects each client to {@code 127.0.0.1:port}
 * of this namespace. {@link NamespaceTunnel} is the other end. Exits when its stdin closes, so
 * it never outlives the test JVM that started it.
 */
public final class UnixToTcp {
    private UnixToTcp() {}

    public static void main(String[] args) throws IOException {
        Path socket = Path.of(args[0]);
        int port = Integer.parseInt(args[1]);
        Thread watchdog = new Thread(
                () -> {
                    try {
                        while (System.in.read() >= 0) {
                            // Nothing is sent; EOF means the test JVM is gone.
                        }
                    } catch (IOException e) {
                        // Same as EOF.
                    }
                    System.exit(0);
                },
                "stdin-watch");
        watchdog.setDaemon(true);
        watchdog.start();
        Files.deleteIfExists(socket);
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            System.out.println("listening");
            System.out.flush();
            while (true) {
                SocketChannel client = server.accept();
                SocketChannel tcp = SocketChannel.open(
                        new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), port));
                pump(client, tcp, client, tcp);
                pump(tcp, client, client, tcp);
            }
        }
    }

    /**
     * Copies one direction on its own thread; the end of either direction closes both. Channel
     * reads and writes, not {@link Channels} streams: those lock the channel, so a read that waits
     * would block the other direction's write.
     */
    static void pump(ReadableByteChannel in, WritableByteChannel out, AutoCloseable a, AutoCloseable b) {
        Thread t = new Thread(
                () -> {
                    ByteBuffer buffer = ByteBuffer.allocate(16 * 1024);
                    try {
                        while (in.read(buffer) >= 0) {
                            buffer.flip();
                            while (buffer.hasRemaining()) {
                                out.write(buffer);
                            }
                            buffer.clear();
                        }
                    } catch (IOException e) {
                        // The peer went away: close below.
                    }
                    closeQuietly(a);
                    closeQuietly(b);
                },
                "pump");
        t.setDaemon(true);
        t.start();
    }

    static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // Already closed.
        }
    }
}
