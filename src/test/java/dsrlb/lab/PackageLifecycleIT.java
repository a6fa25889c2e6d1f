package dsrlb.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Debian package through an admin's life with it, on this machine (the test installs and
 * purges it): lintian finds no error; a first install leaves the service disabled (it would
 * take the example config's VIPs); the admin enables it and edits the config; an upgrade to a
 * rebuilt version keeps both; a removal keeps the config and that the unit was enabled, so a
 * reinstall comes back enabled; a purge forgets all of it. These are debhelper's
 * (deb-systemd-helper) semantics, which admins of every other Debian service expect.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PackageLifecycleIT {
    static final Path DEB = LeastPrivilegeIT.DEB;
    static final Path WANTS = Path.of("/etc/systemd/system/multi-user.target.wants/dsrlb.service");
    static final Path MASK = Path.of("/etc/systemd/system/dsrlb.service");
    static final Path DEFAULTS = Path.of("/etc/default/dsrlb");
    static final Path MARKER = Path.of("/var/tmp/dsrlb-package-lifecycle-it.installed");

    final PackageInstall pkg = new PackageInstall(MARKER);

    @TempDir
    Path work;

    @Test
    void installUpgradeRemoveReinstallPurge() throws IOException {
        Lab.requireNamespaces();
        assertTrue(Files.isRegularFile(DEB), "no package at " + DEB + "; ./mvnw package builds it");
        Lab.Result lintian = Lab.run(300, "lintian", "--tag-display-limit", "0", DEB.toString());
        List<String> errors =
                lintian.out().lines().filter(l -> l.startsWith("E:")).collect(Collectors.toList());
        assertTrue(errors.isEmpty(), "lintian errors:\n" + lintian.out() + lintian.err());

        pkg.prepare();
        String first = Lab.check(Lab.run(10, "dpkg-deb", "-f", DEB.toString(), "Version"), "version")
                .out()
                .trim();
        Lab.check(Lab.run(180, "dpkg", "-i", DEB.toString()), "dpkg -i");
        assertEquals(first, PackageInstall.installedVersion());
        assertFalse(Files.exists(WANTS, LinkOption.NOFOLLOW_LINKS), "a first install enables nothing");
        for (String doc : List.of("copyright", "changelog.Debian.gz", "examples/seed.conf")) {
            assertTrue(Files.isRegularFile(Path.of("/usr/share/doc/dsrlb", doc)), doc);
        }
        for (String script : List.of("dsrlb-check", "dsrlb-notify")) {
            assertTrue(Files.isExecutable(Path.of("/usr/share/dsrlb/keepalived", script)), script);
        }

        // The admin's part: enable the service, tune the config and the options.
        Lab.check(Lab.run(30, "systemctl", "enable", "dsrlb.service"), "systemctl enable");
        assertTrue(Files.exists(WANTS, LinkOption.NOFOLLOW_LINKS));
        Files.writeString(LeastPrivilegeIT.CONFIG, "# edited by the admin\n", StandardOpenOption.APPEND);
        Files.writeString(DEFAULTS, Files.readString(DEFAULTS).replace("DSRLB_OPTS=\"\"", "DSRLB_OPTS=\"--standby\""));

        Path upgrade = rebuiltWithRevision(first, 2);
        String second = Lab.check(Lab.run(10, "dpkg-deb", "-f", upgrade.toString(), "Version"), "version")
                .out()
                .trim();
        Lab.check(Lab.run(180, "dpkg", "--force-confold", "-i", upgrade.toString()), "upgrade");
        assertEquals(second, PackageInstall.installedVersion());
        assertTrue(Files.exists(WANTS, LinkOption.NOFOLLOW_LINKS), "still enabled after the upgrade");
        assertTrue(Files.readString(LeastPrivilegeIT.CONFIG).endsWith("# edited by the admin\n"), "config kept");
        assertTrue(Files.readString(DEFAULTS).contains("DSRLB_OPTS=\"--standby\""), "options kept");

        Lab.check(Lab.run(120, "dpkg", "-r", "dsrlb"), "dpkg -r");
        assertFalse(Files.exists(LeastPrivilegeIT.UNIT), "the unit goes with the package");
        assertTrue(
                Files.readString(LeastPrivilegeIT.CONFIG).endsWith("# edited by the admin\n"),
                "remove keeps conffiles");
        Lab.check(Lab.run(180, "dpkg", "-i", upgrade.toString()), "reinstall");
        assertTrue(Files.exists(WANTS, LinkOption.NOFOLLOW_LINKS), "a reinstall is enabled as before");
        assertFalse(Files.exists(MASK, LinkOption.NOFOLLOW_LINKS), "and not masked");

        Lab.check(pkg.purge(), "dpkg --purge");
        assertEquals(null, PackageInstall.installedVersion());
        for (Path gone : List.of(WANTS, MASK, DEFAULTS, LeastPrivilegeIT.CONFIG, Path.of("/etc/dsrlb"))) {
            assertFalse(Files.exists(gone, LinkOption.NOFOLLOW_LINKS), gone + " after purge");
        }
        assertTrue(
                Lab.run(10, "sh", "-c", "ls /var/lib/systemd/deb-systemd-helper-enabled | grep -c dsrlb || true")
                        .out()
                        .trim()
                        .equals("0"),
                "deb-systemd-helper forgot the unit");
    }

    @AfterAll
    void cleanUp() {
        pkg.purge();
    }

    /** The package as dpkg-deb -R / -b rebuild it with another Debian revision: an upgrade. */
    Path rebuiltWithRevision(String version, int revision) throws IOException {
        Path tree = work.resolve("tree");
        Lab.check(Lab.run(60, "dpkg-deb", "-R", DEB.toString(), tree.toString()), "dpkg-deb -R");
        Path control = tree.resolve("DEBIAN/control");
        String upgraded = version.replaceFirst("-\\d+$", "-" + revision);
        Files.writeString(control, Files.readString(control).replace("Version: " + version, "Version: " + upgraded));
        Path deb = work.resolve("dsrlb-upgrade.deb");
        Lab.check(Lab.run(120, "dpkg-deb", "--root-owner-group", "-b", tree.toString(), deb.toString()), "dpkg-deb -b");
        return deb;
    }
}
