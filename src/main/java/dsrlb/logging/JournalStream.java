package dsrlb.logging;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Whether stderr goes to the journal. systemd sets {@code JOURNAL_STREAM=<device>:<inode>} for
 * a service whose output goes there; it is inherited by children whose stderr may be a pipe or
 * a file by now, so the variable alone is not enough: the device and inode must be stderr's
 * (systemd.exec(5), "JOURNAL_STREAM").
 */
public final class JournalStream {
    private JournalStream() {}

    static boolean isStderr() {
        return matches(System.getenv(), Path.of("/proc/self/fd/2"));
    }

    static boolean matches(Map<String, String> env, Path stderr) {
        String value = env.get("JOURNAL_STREAM");
        if (value == null) {
            return false;
        }
        int colon = value.indexOf(':');
        if (colon <= 0) {
            return false;
        }
        try {
            long device = Long.parseLong(value.substring(0, colon));
            long inode = Long.parseLong(value.substring(colon + 1));
            return ((Number) Files.getAttribute(stderr, "unix:dev")).longValue() == device
                    && ((Number) Files.getAttribute(stderr, "unix:ino")).longValue() == inode;
        } catch (NumberFormatException | IOException | UnsupportedOperationException e) {
            return false;
        }
    }
}
