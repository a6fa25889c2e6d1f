package dsrlb.control;

import java.io.IOException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control channel: a Unix domain socket, never a network address, so who can connect is the
 * socket file's mode (0660: root and the file's group), and what a peer may ask is its
 * credentials' ({@link AccessPolicy}: read-only or admin). One request line in, one JSON object
 * out, then the connection is closed.
 *
 * <p>Nothing a peer sends may hurt the daemon: requests are bounded in size, a connection
 * that does not finish in time is closed, only a few are served at once (more are refused),
 * and every failure becomes an error answer or a closed connection, never an exception out
 * of here.
 */
public final class ControlServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ControlServer.class);

    public static final String DEFAULT_PATH = "/run/dsrlb/dsrlb.sock";
    public static final int MAX_REQUEST_BYTES = 4096;
    static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(5);
    private static final int WORKERS = 2;
    private static final int QUEUED = 32;

    private final Path path;
    private final Object fileKey;
    private final ServerSocketChannel server;
    private final RequestHandler handler;
    private final AccessPolicy policy;
    private final Duration timeout;
    private final ThreadPoolExecutor workers;
    private final ScheduledExecutorService deadlines;
    private final Thread acceptor;
    private volatile boolean closed;

    private ControlServer(
            Path path,
            ServerSocketChannel server,
            Object fileKey,
            RequestHandler handler,
            AccessPolicy policy,
            Duration timeout) {
        this.path = path;
        this.policy = policy;
        this.server = server;
        this.fileKey = fileKey;
        this.handler = handler;
        this.timeout = timeout;
        this.workers = new ThreadPoolExecutor(
                WORKERS, WORKERS, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(QUEUED), daemon("dsrlb-admin"));
        this.deadlines = Executors.newSingleThreadScheduledExecutor(daemon("dsrlb-admin-timeout"));
        this.acceptor = daemon("dsrlb-admin-accept").newThread(this::acceptLoop);
    }

    /**
     * Binds the socket and starts serving.
     *
     * @throws IOException with a message for the operator: another dsrlb answers on the path,
     *     the path is not a socket, or the socket cannot be made
     */
    public static ControlServer start(Path path, RequestHandler handler, AccessPolicy policy) throws IOException {
        return start(path, handler, policy, CONNECTION_TIMEOUT);
    }

    /** {@link #start(Path, RequestHandler, AccessPolicy)} with the default admin group. */
    public static ControlServer start(Path path, RequestHandler handler) throws IOException {
        return start(path, handler, AccessPolicy.forThisProcess(AccessPolicy.DEFAULT_ADMIN_GROUP));
    }

    /** @param timeout how long one connection may take from accept to answer */
    static ControlServer start(Path path, RequestHandler handler, AccessPolicy policy, Duration timeout)
            throws IOException {
        Objects.requireNonNull(handler);
        Objects.requireNonNull(policy);
        Path parent = path.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            try {
                Files.createDirectories(parent);
                // The umask may have narrowed it; clients of any user must reach the socket file.
                Files.setPosixFilePermissions(parent, PosixFilePermissions.fromString("rwxr-xr-x"));
            } catch (IOException e) {
                throw new IOException("cannot create directory " + parent + " for the control socket: " + e, e);
            }
        }
        removeStale(path);
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            server.bind(UnixDomainSocketAddress.of(path));
        } catch (IOException e) {
            server.close();
            throw new IOException("cannot create control socket " + path + ": " + e.getMessage(), e);
        }
        Object fileKey;
        try {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-rw----"));
            takeDirectoryGroup(path);
            fileKey = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                    .fileKey();
        } catch (IOException e) {
            server.close();
            Files.deleteIfExists(path);
            throw new IOException("cannot set the mode of control socket " + path + ": " + e.getMessage(), e);
        }
        ControlServer s = new ControlServer(path, server, fileKey, handler, policy, timeout);
        log.info("control socket {} (mode 0660)", path);
        s.acceptor.start();
        return s;
    }

    /**
     * The socket's group decides who may use it. Under the packaged unit dsrlb runs as group
     * dsrlb and the socket is that group's already; run by root in a directory an operator
     * gave a group (chgrp dsrlb /run/dsrlb), the socket takes that group too, so members of
     * it can steer a root-run dsrlb without root. Best effort: the mode is 0660 either way.
     */
    private static void takeDirectoryGroup(Path socket) {
        Path dir = socket.toAbsolutePath().getParent();
        if (dir == null) {
            return;
        }
        try {
            GroupPrincipal dirGroup =
                    Files.readAttributes(dir, PosixFileAttributes.class).group();
            GroupPrincipal own = Files.readAttributes(socket, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                    .group();
            if (!dirGroup.equals(own)) {
                Files.getFileAttributeView(socket, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                        .setGroup(dirGroup);
                log.info("control socket {} given group {} (the group of {})", socket, dirGroup.getName(), dir);
            }
        } catch (IOException | UnsupportedOperationException e) {
            log.warn("control socket {}: cannot give it the group of {}: {}", socket, dir, e.toString());
        }
    }

    /**
     * A socket file left by a dsrlb that died is replaced; one that answers belongs to a
     * running dsrlb, and two daemons owning the same VIPs would fight over them.
     */
    private static void removeStale(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (!isSocket(path)) {
            throw new FileAlreadyExistsException(
                    path.toString(),
                    null,
                    "exists and is not a socket; remove it or give --control-socket another path");
        }
        if (answers(path)) {
            throw new IOException("another dsrlb is running: its control socket " + path
                    + " answers; stop it first, or give this one another --control-socket");
        }
        log.info("replacing stale control socket {} (nothing answers on it)", path);
        Files.delete(path);
    }

    private static boolean answers(Path path) throws IOException {
        try {
            SocketChannel.open(UnixDomainSocketAddress.of(path)).close();
            return true;
        } catch (ConnectException e) {
            return false;
        } catch (IOException e) {
            throw new IOException("cannot tell whether control socket " + path + " is in use: " + e.getMessage(), e);
        }
    }

    private static boolean isSocket(Path path) throws IOException {
        try {
            int mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            return (mode & 0170000) == 0140000;
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                    .isOther();
        }
    }

    public Path path() {
        return path;
    }

    private void acceptLoop() {
        while (!closed) {
            SocketChannel c;
            try {
                c = server.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                // Out of file descriptors, say: keep the channel, wait a little, try again.
                log.warn("control socket {}: accept failed: {}", path, e.getMessage());
                sleep(100);
                continue;
            }
            try {
                workers.execute(() -> serve(c));
            } catch (RejectedExecutionException e) {
                log.warn("control socket {}: too many requests at once; refusing one", path);
                refuse(c);
            }
        }
    }

    private void serve(SocketChannel c) {
        ScheduledFuture<?> deadline =
                deadlines.schedule(() -> closeQuietly(c), timeout.toNanos(), TimeUnit.NANOSECONDS);
        try (c) {
            String answer;
            try {
                answer = respond(c, readRequest(c));
            } catch (BadRequest e) {
                answer = ResponseWriter.error(e.getMessage());
            }
            ByteBuffer out = ByteBuffer.wrap((answer + "\n").getBytes(StandardCharsets.UTF_8));
            while (out.hasRemaining()) {
                c.write(out);
            }
            c.shutdownOutput();
            drain(c);
        } catch (IOException e) {
            // The peer went away or took too long: its loss, nothing to clean up here.
            log.debug("control socket {}: {}", path, e.toString());
        } finally {
            deadline.cancel(false);
        }
    }

    /**
     * The peer as the kernel saw it at connect time. When it cannot be told, the peer is
     * nobody in particular: read-only.
     */
    private AccessPolicy.Peer peer(SocketChannel c) {
        try {
            return PeerCredentials.of(c);
        } catch (IOException | UnsupportedOperationException e) {
            log.warn("control socket {}: cannot read the peer's credentials ({}); read-only", path, e.toString());
            return new AccessPolicy.Peer(-1, "unknown", "unknown");
        }
    }

    /** Read-only requests are answered to anyone connected; the peer is looked at for the others only. */
    private String respond(SocketChannel c, String request) {
        Request.Access access = Request.accessOf(request);
        AccessPolicy.Peer peer = access == Request.Access.READ_ONLY ? null : peer(c);
        if (peer != null && !policy.permits(peer, access)) {
            String refusal = policy.refusal(peer, request);
            log.warn(
                    "control socket: refused '{}' from uid {} ({}, group {}): it needs admin",
                    request,
                    peer.uid(),
                    peer.user(),
                    peer.group());
            return ResponseWriter.error(refusal);
        }
        try {
            return handler.respond(request);
        } catch (RuntimeException e) {
            log.error("control request '{}' failed", request, e);
            return ResponseWriter.error("internal error: " + e);
        }
    }

    /**
     * Closing a Unix socket with unread input resets it, and the peer loses our answer (the
     * error for a request too long, say): read what is left, a bounded amount, until the peer
     * closes after reading the answer.
     */
    private static void drain(SocketChannel c) throws IOException {
        ByteBuffer sink = ByteBuffer.allocate(8192);
        long left = 16L * MAX_REQUEST_BYTES;
        int n;
        while (left > 0 && (n = c.read(sink)) >= 0) {
            left -= n;
            sink.clear();
        }
    }

    /** Reads up to the first line end (or the end of input); at most {@link #MAX_REQUEST_BYTES}. */
    static String readRequest(SocketChannel c) throws IOException, BadRequest {
        ByteBuffer in = ByteBuffer.allocate(MAX_REQUEST_BYTES + 1);
        int end = -1;
        while (end < 0) {
            int before = in.position();
            if (c.read(in) < 0) {
                end = in.position();
                break;
            }
            for (int i = before; i < in.position(); i++) {
                if (in.get(i) == '\n') {
                    end = i;
                    break;
                }
            }
            if (end < 0 && !in.hasRemaining()) {
                throw new BadRequest("request longer than " + MAX_REQUEST_BYTES + " bytes");
            }
        }
        if (end > MAX_REQUEST_BYTES) {
            throw new BadRequest("request longer than " + MAX_REQUEST_BYTES + " bytes");
        }
        if (end > 0 && in.get(end - 1) == '\r') {
            end--;
        }
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(in.flip().limit(end))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new BadRequest("request is not UTF-8");
        }
    }

    /** Stops serving and removes the socket file (if it is still the one this server made). */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            log.debug("closing control socket {}: {}", path, e.toString());
        }
        workers.shutdownNow();
        deadlines.shutdownNow();
        try {
            acceptor.join(1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)
                    && Objects.equals(
                            fileKey,
                            Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                                    .fileKey())) {
                Files.delete(path);
            }
        } catch (IOException e) {
            log.warn("cannot remove control socket {}: {}", path, e.getMessage());
        }
    }

    private static ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    /** Tells a client we have no room for it; a few bytes into a fresh socket never block. */
    private static void refuse(SocketChannel c) {
        try (c) {
            c.write(ByteBuffer.wrap((ResponseWriter.error("too many requests at once; try again") + "\n")
                    .getBytes(StandardCharsets.UTF_8)));
        } catch (IOException ignored) {
            // it is gone already
        }
    }

    private static void closeQuietly(SocketChannel c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // closing is all we wanted
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A request that cannot even be read as a line: too long, or not UTF-8. */
    static final class BadRequest extends Exception {
        private static final long serialVersionUID = 1L;

        BadRequest(String message) {
            super(message);
        }
    }
}
