package dsrlb.dataplane;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SO_LOCK_FILTER on a capture socket: once set, the socket's BPF filter can be neither replaced
 * nor detached (setsockopt answers EPERM) for the socket's life, whoever in the process asks.
 * The capture then never sees more than the filter lets through ("not ether src OWN and (arp or
 * ip dst VIPs)"), whatever code runs in the JVM later. A lock that cannot be set is a warning,
 * never a failure: the filter itself still works.
 */
public final class FilterLock {
    private static final Logger log = LoggerFactory.getLogger(FilterLock.class);

    static final int SOL_SOCKET = 1;
    static final int SO_DETACH_FILTER = 27;
    static final int SO_LOCK_FILTER = 44;

    private static volatile boolean linked;

    private FilterLock() {}

    private static synchronized boolean link() {
        if (!linked) {
            try {
                Native.register(FilterLock.class, "c");
                linked = true;
            } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
                log.warn("SO_LOCK_FILTER unavailable: {}", e.getMessage());
            }
        }
        return linked;
    }

    /** Locks the filter of socket {@code fd}: 0, or the errno. */
    public static int lock(int fd) {
        if (fd < 0 || !link()) {
            return -1;
        }
        try {
            setsockopt(fd, SOL_SOCKET, SO_LOCK_FILTER, new int[] {1}, 4);
            return 0;
        } catch (LastErrorException e) {
            return e.getErrorCode();
        }
    }

    /** Whether the filter of socket {@code fd} is locked, as the kernel says (getsockopt). */
    public static boolean isLocked(int fd) {
        if (fd < 0 || !link()) {
            return false;
        }
        int[] value = {0};
        try {
            getsockopt(fd, SOL_SOCKET, SO_LOCK_FILTER, value, new int[] {4});
            return value[0] != 0;
        } catch (LastErrorException e) {
            return false;
        }
    }

    /** Tries to detach the filter of socket {@code fd} (what a lock forbids): 0, or the errno (EPERM = 1). */
    public static int tryDetach(int fd) {
        if (fd < 0 || !link()) {
            return -1;
        }
        try {
            setsockopt(fd, SOL_SOCKET, SO_DETACH_FILTER, new int[] {0}, 4);
            return 0;
        } catch (LastErrorException e) {
            return e.getErrorCode();
        }
    }

    /** Logs the lock state of a capture: one info line when locked, a warning when not. */
    static void report(boolean locked, String capture) {
        if (locked) {
            log.info("{}: capture filter locked (SO_LOCK_FILTER)", capture);
        } else {
            log.warn(
                    "{}: capture filter not locked (SO_LOCK_FILTER failed); it works, but code in this "
                            + "process could replace it",
                    capture);
        }
    }

    private static native int setsockopt(int fd, int level, int name, int[] value, int length)
            throws LastErrorException;

    private static native int getsockopt(int fd, int level, int name, int[] value, int[] length)
            throws LastErrorException;
}
