package dsrlb.ha;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The role keepalived's notify script last wrote ({@code active} or {@code standby}, or
 * keepalived's own words master/backup/fault/stop), applied to the running dsrlb.
 *
 * <p>Why a file and not only the control socket: keepalived starts notify scripts without
 * waiting for the previous one, so several can run at once and finish out of order (seen in
 * the lab: MASTER's request overtaken by an older BACKUP's), and a JVM client per notify takes
 * a second or more on a busy box. A file that the script replaces atomically always holds the
 * latest decision, costs the script nothing, and a dsrlb that starts after the decision reads
 * it too. Polled, since a stat every 100 ms is cheaper than a watcher thread's complexity.
 */
public final class HaRoleFile implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(HaRoleFile.class);
    private static final int MAX_BYTES = 64;

    private final Path file;
    private final HaControl control;
    private String applied;

    public HaRoleFile(Path file, HaControl control) {
        this.file = file;
        this.control = control;
    }

    /** Reads the file and applies its role when it changed since the last call. Never throws. */
    @Override
    public synchronized void run() {
        String text;
        try {
            if (Files.size(file) > MAX_BYTES) {
                warnOnce("longer than " + MAX_BYTES + " bytes");
                return;
            }
            text = Files.readString(file, StandardCharsets.UTF_8).strip().toLowerCase(Locale.ROOT);
        } catch (NoSuchFileException e) {
            return; // no decision yet: keep the start role
        } catch (IOException | RuntimeException e) {
            warnOnce(e.toString());
            return;
        }
        if (text.equals(applied)) {
            return;
        }
        switch (text) {
            case "active", "master" -> control.activate();
            case "standby", "backup", "fault", "stop" -> control.standby();
            default -> {
                warnOnce("'" + text + "' is neither active nor standby");
                return;
            }
        }
        log.info("HA role file {}: {}", file, text);
        applied = text;
    }

    private void warnOnce(String why) {
        String key = "!" + why;
        if (!key.equals(applied)) {
            log.warn("HA role file {}: {}; role unchanged", file, why);
            applied = key;
        }
    }
}
