package dsrlb.lab;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URISyntaxException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A TCP port on this JVM's loopback that leads to {@code 127.0.0.1:port} inside a lab namespace,
 * so a browser in the root namespace opens a page that dsrlb serves on the lb namespace's
 * loopback (dsrlb's default, loopback-only listener). The namespace half is {@link UnixToTcp},
 * run with {@code ip netns exec}; a Unix socket joins the two. No lab address or route changes.
 */
final class NamespaceTunnel implements AutoCloseable {
    private final Process inside;
    private final ServerSocket server;
    private final Path socket;

    private NamespaceTunnel(Process inside, ServerSocket server, Path socket) {
        this.inside = inside;
        this.server = server;
        this.socket = socket;
    }

    static NamespaceTunnel open(String namespace, int port, Path dir) throws IOException {
        Path socket = dir.resolve("tunnel-" + port + ".sock");
        String classes;
        try {
            classes = Path.of(UnixToTcp.class
                            .getProtectionDomain()
                            .getCodeSource()
                            .getLocation()
                            .toURI())
                    .toString();
        } catch (URISyntaxException e) {
            throw new IOException(e);
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(List.of(
                        "ip",
                        "netns",
                        "exec",
                        namespace,
                        java,
                        "-cp",
                        classes,
                        UnixToTcp.class.getName(),
                        socket.toString(),
                        Integer.toString(port)))
                .redirectErrorStream(true)
                .start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String first = out.readLine();
        if (!"listening".equals(first) || !Files.exists(socket)) {
            p.destroyForcibly();
            fail("the tunnel into " + namespace + " did not start: " + first);
        }
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        NamespaceTunnel t = new NamespaceTunnel(p, server, socket);
        Thread acceptor = new Thread(t::accept, "tunnel-accept");
        acceptor.setDaemon(true);
        acceptor.start();
        return t;
    }

    /** The port on this JVM's loopback. */
    int port() {
        return server.getLocalPort();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket tcp = server.accept();
                SocketChannel unix = SocketChannel.open(UnixDomainSocketAddress.of(socket));
                UnixToTcp.pump(Channels.newChannel(tcp.getInputStream()), unix, tcp, unix);
                UnixToTcp.pump(unix, Channels.newChannel(tcp.getOutputStream()), tcp, unix);
            } catch (IOException e) {
                // Closed, or one connection failed: the browser sees a reset and retries.
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        inside.getOutputStream().close();
        inside.descendants().forEach(ProcessHandle::destroyForcibly);
        inside.destroyForcibly();
        Files.deleteIfExists(socket);
    }
}
