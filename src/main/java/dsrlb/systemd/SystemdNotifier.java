package dsrlb.systemd;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sd_notify protocol (sd_notify(3)) for a unit with {@code Type=notify}: READY=1 once dsrlb
 * serves, STATUS= lines for {@code systemctl status}, STOPPING=1, and WATCHDOG=1 keep-alives.
 * Outside systemd (no NOTIFY_SOCKET) every call does nothing, so callers need no checks.
 */
public final class SystemdNotifier {
    private static final Logger log = LoggerFactory.getLogger(SystemdNotifier.class);
    private static final SystemdNotifier NONE = new SystemdNotifier(null, null);

    private final String socket;
    private final Duration watchdog;
    private volatile boolean failed;

    private SystemdNotifier(String socket, Duration watchdog) {
        this.socket = socket;
        this.watchdog = watchdog;
    }

    public static SystemdNotifier fromEnvironment() {
        return of(System.getenv(), ProcessHandle.current().pid());
    }

    /**
     * The notifier {@code env} describes for process {@code pid}: WATCHDOG_USEC counts only when
     * WATCHDOG_PID is absent or {@code pid} (the variable is inherited by children).
     */
    public static SystemdNotifier of(Map<String, String> env, long pid) {
        String socket = env.get("NOTIFY_SOCKET");
        if (socket == null || socket.isEmpty()) {
            return NONE;
        }
        Duration watchdog = null;
        String usec = env.get("WATCHDOG_USEC");
        String watchdogPid = env.get("WATCHDOG_PID");
        if (usec != null && (watchdogPid == null || watchdogPid.equals(Long.toString(pid)))) {
            try {
                long us = Long.parseLong(usec);
                watchdog = us > 0 ? Duration.ofNanos(us * 1000) : null;
            } catch (NumberFormatException e) {
                log.warn("WATCHDOG_USEC '{}' is not a number; no watchdog keep-alives", usec);
            }
        }
        return new SystemdNotifier(socket, watchdog);
    }

    public boolean enabled() {
        return socket != null;
    }

    /** How often systemd expects WATCHDOG=1 at the latest, when the unit has WatchdogSec=. */
    public Optional<Duration> watchdog() {
        return Optional.ofNullable(watchdog);
    }

    public void ready(String status) {
        send("READY=1\nSTATUS=" + oneLine(status));
    }

    public void status(String status) {
        send("STATUS=" + oneLine(status));
    }

    public void stopping(String status) {
        send("STOPPING=1\nSTATUS=" + oneLine(status));
    }

    public void watchdogAlive() {
        send("WATCHDOG=1");
    }

    private static String oneLine(String s) {
        return s.replace('\n', ' ');
    }

    private void send(String state) {
        if (socket == null) {
            return;
        }
        try {
            UnixDatagram.send(socket, state.getBytes(StandardCharsets.UTF_8));
            failed = false;
        } catch (IOException e) {
            if (!failed) {
                // Once per run of failures: a watchdog sends every few seconds.
                log.warn("sd_notify to {} failed: {}", socket, e.getMessage());
                failed = true;
            }
        }
    }
}
