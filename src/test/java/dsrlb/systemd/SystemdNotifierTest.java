package dsrlb.systemd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** sd_notify as systemd receives it: a datagram socket bound where NOTIFY_SOCKET says. */
class SystemdNotifierTest {
    @TempDir
    Path dir;

    int fd = -1;

    @AfterEach
    void closeSocket() {
        if (fd >= 0) {
            UnixDatagram.close(fd);
        }
    }

    /** Binds a datagram socket as systemd's manager does; SO_RCVTIMEO is not needed: sends are synchronous. */
    void listen(String path) throws Exception {
        UnixDatagram.link();
        fd = UnixDatagram.socket(UnixDatagram.AF_UNIX, UnixDatagram.SOCK_DGRAM | UnixDatagram.SOCK_CLOEXEC, 0);
        int[] length = new int[1];
        byte[] addr = UnixDatagram.address(path, length);
        UnixDatagram.bind(fd, addr, length[0]);
    }

    String receive() {
        byte[] buf = new byte[4096];
        // MSG_DONTWAIT (0x40): the notifier's sendto has returned, so the datagram is queued.
        long n = UnixDatagram.recv(fd, buf, buf.length, 0x40);
        return new String(buf, 0, (int) n, StandardCharsets.UTF_8);
    }

    @Test
    void readyStatusWatchdogAndStoppingArriveAsSystemdReadsThem() throws Exception {
        String path = dir.resolve("notify").toString();
        listen(path);
        SystemdNotifier n = SystemdNotifier.of(Map.of("NOTIFY_SOCKET", path, "WATCHDOG_USEC", "4000000"), 42);
        assertTrue(n.enabled());
        assertEquals(Optional.of(Duration.ofSeconds(4)), n.watchdog());
        n.ready("2 of 2 services UP\nengine offload");
        assertEquals("READY=1\nSTATUS=2 of 2 services UP engine offload", receive());
        n.watchdogAlive();
        assertEquals("WATCHDOG=1", receive());
        n.status("reloaded");
        assertEquals("STATUS=reloaded", receive());
        n.stopping("stopping");
        assertEquals("STOPPING=1\nSTATUS=stopping", receive());
    }

    @Test
    void abstractSocketNamesWork() throws Exception {
        String name = "@dsrlb-notify-test-" + ProcessHandle.current().pid();
        listen(name);
        SystemdNotifier.of(Map.of("NOTIFY_SOCKET", name), 1).ready("up");
        assertEquals("READY=1\nSTATUS=up", receive());
    }

    @Test
    void watchdogBelongsToThePidSystemdNamed() {
        Map<String, String> env = Map.of("NOTIFY_SOCKET", "/run/x", "WATCHDOG_USEC", "2000000", "WATCHDOG_PID", "7");
        assertEquals(
                Optional.of(Duration.ofSeconds(2)), SystemdNotifier.of(env, 7).watchdog());
        assertEquals(Optional.empty(), SystemdNotifier.of(env, 8).watchdog(), "an inherited variable");
    }

    @Test
    void outsideSystemdEverythingIsANoOp() {
        SystemdNotifier n = SystemdNotifier.of(Map.of(), 1);
        assertFalse(n.enabled());
        n.ready("x");
        n.watchdogAlive();
        assertEquals(Optional.empty(), n.watchdog());
    }

    @Test
    void anUnreachableSocketIsLoggedNotThrown() {
        SystemdNotifier.of(Map.of("NOTIFY_SOCKET", dir.resolve("nobody").toString()), 1)
                .ready("x");
    }
}
