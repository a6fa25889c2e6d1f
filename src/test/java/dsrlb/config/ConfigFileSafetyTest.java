package dsrlb.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigFileSafetyTest {
    @TempDir
    Path dir;

    private static Optional<String> warn(String mode, String group) {
        return ConfigFileSafety.warning(Path.of("/etc/dsrlb/dsrlb.conf"), PosixFilePermissions.fromString(mode), group);
    }

    @Test
    void worldWritableIsWarnedWhateverTheGroup() {
        assertTrue(warn("rw-r--rw-", "root").orElseThrow().contains("writable by every user"));
        assertTrue(warn("rw-rw-rw-", "dsrlb").orElseThrow().contains("chmod o-w /etc/dsrlb/dsrlb.conf"));
    }

    @Test
    void groupWritableIsWarnedOnlyForAnUntrustedGroup() {
        assertTrue(warn("rw-rw-r--", "users").orElseThrow().contains("writable by group 'users'"));
        assertEquals(Optional.empty(), warn("rw-rw-r--", "root"));
        assertEquals(Optional.empty(), warn("rw-rw----", "dsrlb"));
    }

    @Test
    void theModesThePackageUsesAreQuiet() {
        assertEquals(Optional.empty(), warn("rw-r-----", "dsrlb"));
        assertEquals(Optional.empty(), warn("rw-r--r--", "root"));
        assertEquals(Optional.empty(), warn("r--------", "users"));
    }

    @Test
    void aRealWorldWritableFileIsWarned() throws IOException {
        Path f = Files.writeString(dir.resolve("x.conf"), "add server s 198.51.100.30\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
        assertEquals(Optional.empty(), ConfigFileSafety.warning(f));
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--rw-"));
        assertTrue(ConfigFileSafety.warning(f).orElseThrow().startsWith(f + " is writable by every user"));
    }
}
