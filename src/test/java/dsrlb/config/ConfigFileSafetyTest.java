package dsrlb.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigFileSafetyTest {
    @TempDir
    Path dir;

    private static Optional<String> warn(String mode, String group) {
        return ConfigFileSafety.warning("/etc/dsrlb/dsrlb.conf", PosixFilePermissions.fromString(mode), group);
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
        assertEquals(Optional.empty(), warn("rw-rw----", "dsrlb-admin"));
        // Group dsrlb holds the control socket's read-only users: writing the config is not theirs.
        assertTrue(warn("rw-rw----", "dsrlb").orElseThrow().contains("writable by group 'dsrlb'"));
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

    static final int NOBODY = 65534;

    private static void chown(Path p, String user) throws IOException {
        UserPrincipalLookupService users = p.getFileSystem().getUserPrincipalLookupService();
        Files.setOwner(p, users.lookupPrincipalByName(user));
    }

    private Path configIn(Path d) throws IOException {
        Path f = Files.writeString(d.resolve("dsrlb.conf"), "add server s 198.51.100.30\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r-----"));
        return f;
    }

    @Test
    void aRootOwnedFileInRootOwnedDirectoriesIsSafe() throws IOException {
        // @TempDir: /tmp (1777 root: sticky, so safe although everyone writes it) / junit-… (0700).
        assertEquals(List.of(), ConfigFileSafety.problems(configIn(dir), 0));
    }

    @Test
    void theOwnerMustBeRootOrTheDaemonsUser() throws IOException {
        Path f = configIn(dir);
        chown(f, "nobody");
        List<String> p = ConfigFileSafety.problems(f, 0);
        assertEquals(1, p.size(), p.toString());
        assertTrue(p.get(0).startsWith(f + " is owned by nobody, not root or the user dsrlb runs as"), p.get(0));
        assertEquals(List.of(), ConfigFileSafety.problems(f, NOBODY), "dsrlb running as nobody owns it");
    }

    @Test
    void aParentDirectoryOthersCanWriteOrThatOthersOwnIsUnsafe() throws IOException {
        Path sub = Files.createDirectory(dir.resolve("etc"));
        Path f = configIn(sub);
        Files.setPosixFilePermissions(sub, PosixFilePermissions.fromString("rwxrwxr-x"));
        assertEquals(
                List.of("directory " + sub + " (above " + f + ") is writable by group root: they can replace the "
                        + "config; fix it with chmod go-w " + sub),
                ConfigFileSafety.problems(f, 0));

        Files.setPosixFilePermissions(sub, PosixFilePermissions.fromString("rwxr-xr-x"));
        chown(sub, "nobody");
        List<String> p = ConfigFileSafety.problems(f, 0);
        assertEquals(1, p.size(), p.toString());
        assertTrue(p.get(0).startsWith("directory " + sub + " (above " + f + ") is owned by nobody"), p.get(0));
    }

    @Test
    void aStickyDirectoryIsSafeOnlyWhenRootOwnsIt() throws IOException {
        Path shared = Files.createDirectory(dir.resolve("shared"));
        Files.setAttribute(shared, "unix:mode", 01777);
        Path f = configIn(shared);
        assertEquals(List.of(), ConfigFileSafety.problems(f, 0), "like /tmp");
        chown(shared, "nobody");
        assertFalse(ConfigFileSafety.problems(f, 0).isEmpty(), "a sticky directory nobody owns: nobody can replace it");

        Files.setAttribute(shared, "unix:mode", 0777);
        chown(shared, "root");
        assertTrue(ConfigFileSafety.problems(f, 0).get(0).contains("is writable by every user"));
    }

    @Test
    void aSymlinkIsJudgedByWhereItLeads() throws IOException {
        Path open = Files.createDirectory(dir.resolve("open"));
        Path f = configIn(open);
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path link = Files.createSymbolicLink(dir.resolve("link.conf"), f);
        List<String> p = ConfigFileSafety.problems(link, 0);
        assertEquals(1, p.size(), p.toString());
        assertTrue(p.get(0).startsWith("directory " + open + " (above " + f + ")"), p.get(0));
    }
}
