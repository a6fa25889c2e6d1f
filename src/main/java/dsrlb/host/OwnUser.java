package dsrlb.host;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Who this process runs as: what the config file check and the control socket's policy trust. */
public final class OwnUser {
    private OwnUser() {}

    /**
     * This process's effective uid, from the Uid: line of /proc/self/status (not the owner of
     * /proc/self: that is root for a process that is not dumpable); 0 where it cannot be read
     * (not Linux): then nobody but root counts as this process's own user.
     */
    public static int uid() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return Integer.parseInt(line.substring(4).trim().split("\\s+", -1)[1]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return 0;
    }
}
