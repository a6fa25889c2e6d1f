package dsrlb.control;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Sends one request to a running dsrlb over its control socket and returns the answer. */
public final class ControlClient {
    /** Far above any answer (a full persistence listing is about 7 MB), far below harm. */
    static final int MAX_RESPONSE_BYTES = 64 << 20;

    private ControlClient() {}

    /**
     * Sends {@code line} and waits for the one-line answer.
     *
     * @return the daemon's JSON answer, without the line end
     * @throws NotRunningException when no daemon listens on {@code socket}
     * @throws IOException when the exchange fails or times out
     */
    public static String request(Path socket, String line, Duration timeout) throws IOException {
        // notExists, not !exists: a socket in a directory we may not enter is "permission
        // denied" below, not "not running".
        if (Files.notExists(socket, LinkOption.NOFOLLOW_LINKS)) {
            throw new NotRunningException("dsrlb is not running (no control socket at " + socket + ")");
        }
        SocketChannel c;
        try {
            c = SocketChannel.open(UnixDomainSocketAddress.of(socket));
        } catch (ConnectException e) {
            throw new NotRunningException("dsrlb is not running (nothing answers on control socket " + socket + ")");
        } catch (IOException e) {
            String why = String.valueOf(e.getMessage());
            if (why.toLowerCase(Locale.ROOT).contains("permission denied")) {
                why += " (only root and members of the socket's group may use it, e.g. adduser $USER dsrlb)";
            }
            throw new IOException("cannot connect to control socket " + socket + ": " + why, e);
        }
        // Blocking Unix channels have no read timeout: closing the channel ends a blocked read.
        CompletableFuture<Void> watchdog = CompletableFuture.runAsync(
                () -> close(c), CompletableFuture.delayedExecutor(timeout.toMillis(), TimeUnit.MILLISECONDS));
        try (c) {
            ByteBuffer out = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
            while (out.hasRemaining()) {
                c.write(out);
            }
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            ByteBuffer in = ByteBuffer.allocate(16 * 1024);
            while (c.read(in) >= 0) {
                answer.write(in.array(), 0, in.position());
                in.clear();
                if (answer.size() > MAX_RESPONSE_BYTES) {
                    throw new IOException("answer from " + socket + " larger than " + MAX_RESPONSE_BYTES + " bytes");
                }
            }
            return answer.toString(StandardCharsets.UTF_8).strip();
        } catch (AsynchronousCloseException e) {
            throw new IOException("no answer on control socket " + socket + " within " + timeout.toMillis() + " ms", e);
        } finally {
            watchdog.cancel(false);
        }
    }

    private static void close(SocketChannel c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // the timeout's only job
        }
    }

    /** Nothing listens on the control socket: dsrlb is not running (or not with that path). */
    public static final class NotRunningException extends IOException {
        private static final long serialVersionUID = 1L;

        public NotRunningException(String message) {
            super(message);
        }
    }
}
