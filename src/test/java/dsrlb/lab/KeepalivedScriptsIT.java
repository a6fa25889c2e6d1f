package dsrlb.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * examples/keepalived/dsrlb-notify runs as root (keepalived's notify) and writes into a directory
 * the dsrlb user can write. Run in a PID namespace, its $$ is 1, so a symlink planted at the name a
 * predictable temp file would have ($file.1.tmp) must not make root write through it.
 */
class KeepalivedScriptsIT {
    static final Path NOTIFY = Lab.BASEDIR.resolve("examples/keepalived/dsrlb-notify");
    Path dir;

    @BeforeEach
    void makeDir() throws IOException {
        Lab.requireNamespaces();
        dir = Files.createTempDirectory("dsrlb-notify-it");
    }

    @AfterEach
    void removeDir() throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    @Test
    void aPlantedSymlinkIsNeverWrittenThrough() throws IOException {
        Path victim = Files.writeString(dir.resolve("victim"), "precious\n");
        Path role = dir.resolve("ha-role");
        Files.createSymbolicLink(dir.resolve("ha-role.1.tmp"), victim);

        Lab.Result r = Lab.run(20, "unshare", "--pid", "--fork", NOTIFY.toString(), "master", role.toString());
        assertEquals(0, r.exit(), r.toString());

        assertEquals("active\n", Files.readString(role));
        assertEquals("precious\n", Files.readString(victim), "root wrote through a planted symlink");
        assertTrue(!Files.isSymbolicLink(role), "the role file is a file of its own");
        try (Stream<Path> left = Files.list(dir)) {
            assertEquals(3, left.count(), "no temp file left behind");
        }
    }
}
