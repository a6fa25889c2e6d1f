package dsrlb.lab;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The dsrlb package as a test installs it on this machine and takes it away again: it never
 * touches an installation it did not make, and a marker file lets the next run finish the
 * clean-up of a run that was killed, removing the user and groups (dsrlb, dsrlb-admin) only if that run created them.
 */
final class PackageInstall {
    private final Path marker;
    private boolean installed;
    private boolean userExisted;
    private boolean groupExisted;
    private boolean adminGroupExisted;

    /** @param marker written before dpkg -i, removed after the purge */
    PackageInstall(Path marker) {
        this.marker = marker;
    }

    /** Finishes a killed run's clean-up, refuses a foreign installation, notes what existed before. */
    void prepare() throws IOException {
        if (Files.exists(marker)) {
            String m = Files.readString(marker);
            userExisted = m.lines().anyMatch("user-existed=true"::equals);
            groupExisted = m.lines().anyMatch("group-existed=true"::equals);
            adminGroupExisted = m.lines().anyMatch("admin-group-existed=true"::equals);
            installed = true;
            purge();
        }
        if (installedVersion() != null) {
            fail("package dsrlb is already installed on this machine; this test installs and purges it, "
                    + "so it will not touch an installation it did not make (dpkg --purge dsrlb to let it run)");
        }
        userExisted = Lab.run(5, "getent", "passwd", "dsrlb").ok();
        groupExisted = Lab.run(5, "getent", "group", "dsrlb").ok();
        adminGroupExisted = Lab.run(5, "getent", "group", "dsrlb-admin").ok();
        Files.writeString(
                marker,
                "user-existed=" + userExisted + "\ngroup-existed=" + groupExisted + "\nadmin-group-existed="
                        + adminGroupExisted + "\n");
        installed = true;
    }

    /** The installed version of dsrlb, or null when it is not installed. */
    static String installedVersion() {
        Lab.Result r = Lab.runQuietly(10, "dpkg-query", "-W", "-f=${Status} ${Version}", "dsrlb");
        return r.ok() && r.out().startsWith("install ok installed")
                ? r.out().substring("install ok installed ".length()).trim()
                : null;
    }

    /** Purges the package, and the user and group when this run created them; nothing if not installed. */
    Lab.Result purge() {
        if (!installed) {
            return new Lab.Result(0, "", "");
        }
        Lab.Result r = Lab.runQuietly(120, "dpkg", "--purge", "dsrlb");
        if (!userExisted && Lab.runQuietly(5, "getent", "passwd", "dsrlb").ok()) {
            Lab.runQuietly(20, "userdel", "dsrlb");
        }
        if (!groupExisted && Lab.runQuietly(5, "getent", "group", "dsrlb").ok()) {
            Lab.runQuietly(20, "groupdel", "dsrlb");
        }
        if (!adminGroupExisted
                && Lab.runQuietly(5, "getent", "group", "dsrlb-admin").ok()) {
            Lab.runQuietly(20, "groupdel", "dsrlb-admin");
        }
        if (r.ok()) {
            installed = false;
            try {
                Files.deleteIfExists(marker);
            } catch (IOException ignored) {
                // the next run finds it and purges again, which is harmless
            }
        }
        return r;
    }
}
