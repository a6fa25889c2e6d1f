package dsrlb.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dsrlb.status.FixedStatus;
import dsrlb.status.Json.JsonException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The socket server in process, with fixed data: protocol, limits, file handling. */
class ControlServerTest {
    static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    final StatusResponder responder = new StatusResponder(new FixedStatus());
    final List<ControlServer> servers = new ArrayList<>();

    @AfterEach
    void closeServers() {
        servers.forEach(ControlServer::close);
    }

    private ControlServer start(Path path, RequestHandler handler) throws IOException {
        ControlServer s = ControlServer.start(
                path, handler, AccessPolicy.forThisProcess(AccessPolicy.DEFAULT_ADMIN_GROUP), Duration.ofMillis(500));
        servers.add(s);
        return s;
    }

    /** Sends raw bytes (optionally half-closing), returns everything the server sent. */
    private static String raw(Path socket, byte[] request, boolean shutdownOutput) throws IOException {
        try (SocketChannel c = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            ByteBuffer out = ByteBuffer.wrap(request);
            while (out.hasRemaining()) {
                c.write(out);
            }
            if (shutdownOutput) {
                c.shutdownOutput();
            }
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            ByteBuffer in = ByteBuffer.allocate(8192);
            while (c.read(in) >= 0) {
                answer.write(in.array(), 0, in.position());
                in.clear();
            }
            return answer.toString(StandardCharsets.UTF_8);
        }
    }

    private static String error(String json) throws JsonException {
        return ResponseReader.of(json).error();
    }

    @Test
    void answersOneRequestLineWithOneJsonLineOnA0660SocketInADirItMakes() throws IOException {
        Path socket = dir.resolve("run/dsrlb/dsrlb.sock");
        ControlServer server = start(socket, responder);
        assertEquals(socket, server.path());
        assertEquals("rw-rw----", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket.getParent())));

        for (String request :
                List.of("show service", "show lb vserver tftp", "stat lb vserver", "show persistence 192.0.2.10")) {
            assertEquals(responder.respond(request), ControlClient.request(socket, request, CLIENT_TIMEOUT));
            assertEquals(
                    responder.respond(request) + "\n",
                    raw(socket, (request + "\r\n").getBytes(StandardCharsets.UTF_8), false));
        }
        // A request without a line end, ended by a half-close (printf 'show service' | nc -U).
        assertEquals(
                responder.respond("show service") + "\n",
                raw(socket, "show service".getBytes(StandardCharsets.UTF_8), true));
    }

    @Test
    void malformedRequestsGetAnErrorAndTheServerGoesOn() throws Exception {
        Path socket = dir.resolve("s.sock");
        start(socket, responder);

        String tooLong =
                raw(socket, "x".repeat(ControlServer.MAX_REQUEST_BYTES + 1000).getBytes(StandardCharsets.UTF_8), false);
        assertEquals("request longer than 4096 bytes", error(tooLong));
        String justFits = "show service " + "a".repeat(ControlServer.MAX_REQUEST_BYTES - "show service ".length());
        assertEquals(
                "no service named '" + "a".repeat(ControlServer.MAX_REQUEST_BYTES - 13) + "'",
                error(raw(socket, (justFits + "\n").getBytes(StandardCharsets.UTF_8), false)));
        assertEquals(
                "request longer than 4096 bytes",
                error(raw(socket, (justFits + "b\n").getBytes(StandardCharsets.UTF_8), false)));
        assertEquals(
                "request is not UTF-8", error(raw(socket, new byte[] {'s', (byte) 0xff, (byte) 0xfe, '\n'}, false)));
        assertTrue(error(raw(socket, "\u0000\u0001\n".getBytes(StandardCharsets.UTF_8), false))
                .contains("control character"));
        assertTrue(error(raw(socket, "GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.UTF_8), false))
                .startsWith("unknown request 'GET / HTTP/1.0'"));
        assertTrue(error(raw(socket, new byte[0], true)).startsWith("empty request"));

        assertEquals(responder.respond("show service"), ControlClient.request(socket, "show service", CLIENT_TIMEOUT));
    }

    @Test
    void aFailingHandlerIsAnErrorAnswerNotACrash() throws Exception {
        Path socket = dir.resolve("s.sock");
        start(socket, line -> {
            if (line.equals("boom")) {
                throw new IllegalStateException("broken");
            }
            return responder.respond(line);
        });
        assertEquals(
                "internal error: java.lang.IllegalStateException: broken",
                error(ControlClient.request(socket, "boom", CLIENT_TIMEOUT)));
        assertEquals(responder.respond("show service"), ControlClient.request(socket, "show service", CLIENT_TIMEOUT));
    }

    @Test
    // a and b are held open, unread, to occupy both workers; the body uses only a.
    @SuppressWarnings("try")
    void aSilentClientIsCutOffAndDoesNotBlockOthersForever() throws Exception {
        Path socket = dir.resolve("s.sock");
        start(socket, responder);
        try (SocketChannel a = SocketChannel.open(UnixDomainSocketAddress.of(socket));
                SocketChannel b = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            // Both workers wait on silent clients; the third request waits for the timeout.
            long t0 = System.nanoTime();
            assertEquals(
                    responder.respond("show service"), ControlClient.request(socket, "show service", CLIENT_TIMEOUT));
            assertTrue(System.nanoTime() - t0 < 3_000_000_000L);
            assertEquals(-1, a.read(ByteBuffer.allocate(16)), "closed by the server");
        }
    }

    @Test
    void manyClientsAtOnceAreAllAnswered() throws Exception {
        Path socket = dir.resolve("s.sock");
        start(socket, responder);
        ExecutorService pool = Executors.newFixedThreadPool(10);
        try {
            List<Future<String>> answers = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                answers.add(pool.submit(() -> ControlClient.request(socket, "stat lb vserver", CLIENT_TIMEOUT)));
            }
            for (Future<String> f : answers) {
                assertEquals(responder.respond("stat lb vserver"), f.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aStaleSocketIsReplacedALiveOneRefusedAndCloseRemovesIt() throws Exception {
        Path socket = dir.resolve("s.sock");
        // What a killed dsrlb leaves: the socket file, nobody listening.
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(socket));
        }
        assertTrue(Files.exists(socket));
        ControlServer first = start(socket, responder);

        IOException e = assertThrows(IOException.class, () -> start(socket, responder));
        assertEquals(
                "another dsrlb is running: its control socket " + socket
                        + " answers; stop it first, or give this one another --control-socket",
                e.getMessage());
        assertEquals(
                responder.respond("show service"),
                ControlClient.request(socket, "show service", CLIENT_TIMEOUT),
                "the first one still answers");

        first.close();
        first.close();
        assertFalse(Files.exists(socket));
        ControlClient.NotRunningException gone = assertThrows(
                ControlClient.NotRunningException.class,
                () -> ControlClient.request(socket, "show service", CLIENT_TIMEOUT));
        assertEquals("dsrlb is not running (no control socket at " + socket + ")", gone.getMessage());
    }

    @Test
    void somethingElseAtThePathIsLeftAlone() throws IOException {
        Path file = Files.writeString(dir.resolve("not-a-socket"), "data");
        FileAlreadyExistsException e = assertThrows(FileAlreadyExistsException.class, () -> start(file, responder));
        assertTrue(e.getMessage().contains("exists and is not a socket"), e.getMessage());
        assertEquals("data", Files.readString(file));
    }

    @Test
    void aDirectoryThatCannotBeMadeIsSaidSo() throws IOException {
        Path file = Files.writeString(dir.resolve("file"), "");
        IOException e = assertThrows(IOException.class, () -> start(file.resolve("sub/s.sock"), responder));
        assertTrue(
                e.getMessage()
                        .startsWith("cannot create directory " + file.resolve("sub") + " for the control socket: "),
                e.getMessage());
    }

    @Test
    void theClientTellsAStaleSocketFromAMissingOne() throws IOException {
        Path socket = dir.resolve("s.sock");
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(socket));
        }
        ControlClient.NotRunningException e = assertThrows(
                ControlClient.NotRunningException.class,
                () -> ControlClient.request(socket, "show service", CLIENT_TIMEOUT));
        assertEquals("dsrlb is not running (nothing answers on control socket " + socket + ")", e.getMessage());
    }

    @Test
    void theClientGivesUpOnADaemonThatDoesNotAnswer() throws Exception {
        Path socket = dir.resolve("s.sock");
        start(socket, line -> {
            try {
                Thread.sleep(400);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return responder.respond(line);
        });
        IOException e = assertThrows(
                IOException.class, () -> ControlClient.request(socket, "show service", Duration.ofMillis(100)));
        assertEquals("no answer on control socket " + socket + " within 100 ms", e.getMessage());
    }
}
