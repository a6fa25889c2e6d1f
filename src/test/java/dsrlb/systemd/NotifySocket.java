package dsrlb.systemd;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A datagram socket bound as systemd's NOTIFY_SOCKET is, for tests that play systemd. */
public final class NotifySocket implements AutoCloseable {
    /** recv(2) flag: return at once when nothing is queued. */
    private static final int MSG_DONTWAIT = 0x40;

    private final int fd;
    private final String path;

    private NotifySocket(int fd, String path) {
        this.fd = fd;
        this.path = path;
    }

    public static NotifySocket bind(Path path) throws Exception {
        UnixDatagram.link();
        int fd = UnixDatagram.socket(UnixDatagram.AF_UNIX, UnixDatagram.SOCK_DGRAM | UnixDatagram.SOCK_CLOEXEC, 0);
        int[] length = new int[1];
        byte[] addr = UnixDatagram.address(path.toString(), length);
        UnixDatagram.bind(fd, addr, length[0]);
        return new NotifySocket(fd, path.toString());
    }

    public String path() {
        return path;
    }

    /** Every datagram that arrives within {@code within}, in order. */
    public List<String> receiveAll(Duration within) throws InterruptedException {
        List<String> got = new ArrayList<>();
        long deadline = System.nanoTime() + within.toNanos();
        byte[] buf = new byte[4096];
        do {
            long n;
            try {
                n = UnixDatagram.recv(fd, buf, buf.length, MSG_DONTWAIT);
            } catch (com.sun.jna.LastErrorException e) {
                n = -1;
            }
            if (n > 0) {
                got.add(new String(buf, 0, (int) n, StandardCharsets.UTF_8));
            } else {
                Thread.sleep(10);
            }
        } while (System.nanoTime() < deadline);
        return got;
    }

    @Override
    public void close() {
        UnixDatagram.close(fd);
    }
}
