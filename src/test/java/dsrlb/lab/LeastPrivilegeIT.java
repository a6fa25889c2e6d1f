package dsrlb.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dsrlb.control.ControlServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The Debian package on this machine, and dsrlb started the way its systemd unit starts it:
 * user and group dsrlb, the unit's capabilities only (CAP_NET_RAW and CAP_NET_ADMIN, ambient and
 * bounding set, read from the installed unit), no new privileges, no --engine: the default must
 * take the kernel fast path as the installed service. systemd is not PID 1 here, so setpriv applies what the unit's User=, Group=,
 * AmbientCapabilities=, CapabilityBoundingSet= and NoNewPrivileges= would; the ExecStart
 * line is taken from the installed unit, and the runtime directory is made as
 * RuntimeDirectory= makes it (dsrlb:dsrlb, mode 0750).
 *
 * <p>The package is purged at the end, also on failure; the user and group are removed when
 * this test created them (the package itself keeps them on purge, as Debian does).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LeastPrivilegeIT {
    static final Path DEB =
            Path.of(System.getProperty("dsrlb.deb", "target/dsrlb.deb")).toAbsolutePath();
    static final Path UNIT = Path.of("/lib/systemd/system/dsrlb.service");
    static final Path CONFIG = Path.of("/etc/dsrlb/dsrlb.conf");
    static final Path DEFAULTS = Path.of("/etc/default/dsrlb");
    /** CAP_NET_RAW is capability 13. */
    static final long NET_RAW = 1L << 13;
    /** CAP_NET_ADMIN is capability 12. */
    static final long NET_ADMIN = 1L << 12;
    /** Written before dpkg -i, removed after the purge: a killed run's leftover is recognised as ours. */
    /** A user this test makes (and removes) as a listed member of group dsrlb-admin. */
    static final String ADMIN_USER = "dsrlb-it-admin";

    static final Path MARKER = Path.of("/var/tmp/dsrlb-least-privilege-it.installed");

    /** Made by hand, not @TempDir: it must exist in @BeforeAll and be readable by other users. */
    Path tmp;

    final PackageInstall pkg = new PackageInstall(MARKER);
    Path runtimeDir;
    Path socket;
    Path log;
    Process dsrlb;

    @BeforeAll
    void installPackageAndStartLab() throws IOException {
        Lab.requireNamespaces();
        assertTrue(Files.isRegularFile(DEB), "no package at " + DEB + "; ./mvnw package builds it");
        pkg.prepare();
        Lab.runQuietly(20, "userdel", ADMIN_USER);
        Lab.check(Lab.run(180, "dpkg", "-i", DEB.toString()), "dpkg -i " + DEB);

        // What RuntimeDirectory=dsrlb + RuntimeDirectoryMode=0750 make, in a private place so
        // that nothing else's /run/dsrlb is touched.
        tmp = Files.createTempDirectory("dsrlb-least-privilege");
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        runtimeDir = Files.createDirectory(tmp.resolve("run-dsrlb"));
        chown(runtimeDir, "dsrlb", "dsrlb");
        Files.setPosixFilePermissions(runtimeDir, PosixFilePermissions.fromString("rwxr-x---"));
        socket = runtimeDir.resolve("dsrlb.sock");
        log = tmp.resolve("dsrlb.log");

        Lab.down();
        Lab.up();
    }

    @AfterAll
    void stopAndPurge() {
        try {
            if (dsrlb != null && dsrlb.isAlive()) {
                dsrlb.destroyForcibly();
            }
            Lab.down();
        } finally {
            pkg.purge();
            if (tmp != null) {
                Lab.runQuietly(20, "rm", "-rf", tmp.toString());
            }
        }
    }

    @Test
    @Order(1)
    void thePackageInstallsTheUnitUserConfigManPagesAndCompletion() throws IOException {
        String version = Lab.check(Lab.run(30, "/usr/bin/dsrlb", "--version"), "dsrlb --version")
                .out()
                .trim();
        assertTrue(version.matches("dsrlb \\d+\\.\\d+\\.\\d+.*"), "dsrlb --version: " + version);
        Lab.Result user = Lab.check(Lab.run(5, "getent", "passwd", "dsrlb"), "user dsrlb");
        assertTrue(user.out().trim().endsWith(":/usr/sbin/nologin"), user.out());
        PosixFileAttributes conf = Files.readAttributes(CONFIG, PosixFileAttributes.class);
        assertEquals("rw-r-----", PosixFilePermissions.toString(conf.permissions()), "mode of " + CONFIG);
        assertEquals("root", conf.owner().getName());
        assertEquals("dsrlb", conf.group().getName());
        assertTrue(
                Lab.run(5, "dpkg-query", "-W", "-f=${Conffiles}", "dsrlb").out().contains(CONFIG.toString()),
                CONFIG + " is a conffile");
        assertTrue(Files.isRegularFile(Path.of("/usr/share/man/man1/dsrlb-run.1.gz")), "man page of dsrlb run");
        assertTrue(Lab.run(10, "man", "-w", "dsrlb-backend-setup").ok(), "man finds dsrlb-backend-setup");
        assertTrue(Lab.run(10, "man", "-w", "5", "dsrlb.conf").ok(), "man finds dsrlb.conf(5)");
        assertTrue(
                Files.readString(Path.of("/usr/share/bash-completion/completions/dsrlb"))
                        .contains("complete -F"),
                "bash completion");
        // systemd checks the unit's directives (names, values, that ExecStart exists).
        Lab.Result verify = Lab.run(30, "systemd-analyze", "verify", UNIT.toString());
        assertTrue(verify.ok() && verify.err().isBlank(), "systemd-analyze verify: " + verify);
        // systemd's own rating of the sandbox: "OK" is an exposure below 4.0 (of 10).
        Lab.Result security = Lab.run(30, "systemd-analyze", "security", "--offline=true", UNIT.toString());
        Matcher exposure = Pattern.compile("Overall exposure level for dsrlb.service: ([0-9.]+)")
                .matcher(security.out());
        assertTrue(exposure.find(), "systemd-analyze security: " + security);
        assertTrue(Double.parseDouble(exposure.group(1)) < 4.0, "exposure " + exposure.group(1) + ":\n" + security);
        String unit = Files.readString(UNIT);
        for (String line : List.of(
                "User=dsrlb",
                "Group=dsrlb",
                "AmbientCapabilities=CAP_NET_RAW CAP_NET_ADMIN",
                "CapabilityBoundingSet=CAP_NET_RAW CAP_NET_ADMIN",
                "NoNewPrivileges=yes",
                "RuntimeDirectory=dsrlb",
                "ProtectSystem=strict",
                "SystemCallFilter=@system-service",
                "ProtectProc=invisible")) {
            assertTrue(unit.lines().anyMatch(line::equals), "the unit has " + line);
        }
    }

    @Test
    @Order(2)
    void withoutCapNetRawItStopsWithAClearMessage() throws Exception {
        List<String> cmd = asUnitUser("-all", execStart());
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(tmp.resolve("nocap.log").toFile())
                .start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("dsrlb without CAP_NET_RAW did not stop");
        }
        String out = Files.readString(tmp.resolve("nocap.log"));
        assertEquals(4, p.exitValue(), "exit 4, which the unit's RestartPreventExitStatus lists: " + out);
        assertTrue(unitSetting("RestartPreventExitStatus").contains("4"));
        assertTrue(
                out.contains("dsrlb run: --engine auto: no engine can run here: offload skipped: no CAP_NET_RAW"), out);
    }

    @Test
    @Order(3)
    void startedAsTheUnitDoesItTakesTheKernelPathWithTheUnitsTwoCapabilitiesOnly() throws Exception {
        dsrlb = new ProcessBuilder(asUnitUser(unitCaps(), execStart()))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
        while (!Files.readString(log).contains(" ready: ")) {
            if (!dsrlb.isAlive() || System.nanoTime() > deadline) {
                fail("dsrlb did not get ready:\n" + Files.readString(log));
            }
            Thread.sleep(100);
        }
        assertTrue(Files.readString(log).contains("ready: 2 of 2 services UP"), Files.readString(log));
        assertTrue(Files.readString(log).contains("engine offload (chosen by --engine auto)"), Files.readString(log));
        Lab.Result tables = Lab.inNamespace(Lab.LB_NS, 10, "nft", "list", "tables");
        assertTrue(tables.out().contains("table netdev dsrlb_"), tables.toString());
        // No CAP_SYS_NICE and (here) no RLIMIT_RTPRIO: the receive thread says it stays on normal
        // scheduling and dsrlb goes on. The unit's LimitRTPRIO=10 would allow it, but this
        // machine's root lacks CAP_SYS_RESOURCE to raise that limit (prlimit: not permitted).
        assertTrue(Files.readString(log).contains(": SCHED_FIFO not permitted"), Files.readString(log));

        // ip netns exec, setpriv and the launcher all exec: this pid is the JVM's.
        Map<String, String> status = procStatus(dsrlb.pid());
        assertTrue(status.get("Name").startsWith("java"), "process: " + status.get("Name"));
        String uid = Lab.run(5, "id", "-u", "dsrlb").out().trim();
        assertEquals(
                List.of(uid, uid, uid, uid), Arrays.asList(status.get("Uid").split("\\s+")), "uids");
        long both = NET_RAW | NET_ADMIN;
        assertEquals(both, Long.parseLong(status.get("CapEff"), 16), "CapEff " + status.get("CapEff"));
        assertEquals(both, Long.parseLong(status.get("CapPrm"), 16), "CapPrm " + status.get("CapPrm"));
        assertEquals(both, Long.parseLong(status.get("CapBnd"), 16), "CapBnd " + status.get("CapBnd"));
        assertEquals(both, Long.parseLong(status.get("CapAmb"), 16), "CapAmb " + status.get("CapAmb"));
        assertEquals("1", status.get("NoNewPrivs"));
    }

    @Test
    @Order(4)
    void itForwardsRealTftpDownloadsThroughTheVip() throws IOException {
        String want = Lab.sha256(Lab.served("ARDBP32.BIN"));
        Lab.resetServedBy();
        int n = 0;
        for (String src : List.of("192.0.2.100", "192.0.2.101", "192.0.2.102", "192.0.2.103")) {
            TftpClient client = n++ % 2 == 0 ? TftpClient.CURL : TftpClient.TFTP_HPA;
            Path out = tmp.resolve("get-" + src);
            Lab.Result r = client.download(Lab.VIP, "ARDBP32.BIN", out, src, 20);
            assertTrue(r.ok(), client + " from " + src + ": " + r + "\n" + Files.readString(log));
            assertEquals(want, Lab.sha256(out), "sha256 of ARDBP32.BIN fetched by " + src);
        }
        Map<String, List<String>> servedBy = Lab.servedBy();
        assertEquals(
                4,
                servedBy.keySet().stream()
                        .filter(c -> c.startsWith("192.0.2.10"))
                        .count(),
                "every client reached a backend through dsrlb: " + servedBy);
    }

    @Test
    @Order(5)
    void theControlSocketIs0660GroupDsrlbAndOnlyThatGroupCanUseIt() throws IOException {
        PosixFileAttributes a = Files.readAttributes(socket, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        assertTrue(a.isOther(), socket + " is a socket");
        assertEquals("rw-rw----", PosixFilePermissions.toString(a.permissions()), "mode of " + socket);
        assertEquals("dsrlb", a.owner().getName());
        assertEquals("dsrlb", a.group().getName());

        // A member of group dsrlb (nobody, given dsrlb as a supplementary group).
        Lab.Result member = Lab.run(
                60,
                "setpriv",
                "--reuid",
                "nobody",
                "--regid",
                "nogroup",
                "--groups",
                "dsrlb",
                "--inh-caps",
                "-all",
                "--bounding-set",
                "-all",
                "--",
                "env",
                "HOME=/nonexistent",
                "/usr/bin/dsrlb",
                "show",
                "lb",
                "vserver",
                "--control-socket",
                socket.toString());
        assertEquals(0, member.exit(), "a member of group dsrlb: " + member);
        assertTrue(member.out().contains("tftp"), member.out());

        // Another unprivileged user: the same command, without the group.
        Lab.Result other = Lab.run(
                60,
                "setpriv",
                "--reuid",
                "nobody",
                "--regid",
                "nogroup",
                "--clear-groups",
                "--inh-caps",
                "-all",
                "--bounding-set",
                "-all",
                "--",
                "env",
                "HOME=/nonexistent",
                "/usr/bin/dsrlb",
                "show",
                "lb",
                "vserver",
                "--control-socket",
                socket.toString());
        assertNotEquals(0, other.exit(), "a user outside group dsrlb must not get an answer: " + other);
        assertTrue(other.err().toLowerCase(Locale.ROOT).contains("permission denied"), other.toString());
        assertFalse(other.out().contains("tftp"), other.out());
    }

    @Test
    @Order(5)
    void membersOfGroupDsrlbOnlyReadAndGroupDsrlbAdminMayChangeThings() throws IOException, InterruptedException {
        String nobodyUid = Lab.run(5, "id", "-u", "nobody").out().trim();
        List<String> reader = List.of("--reuid", "nobody", "--regid", "nogroup", "--groups", "dsrlb");

        Lab.Result show = cliAs(reader, "show", "service", "tftp1");
        assertEquals(0, show.exit(), "a member of group dsrlb may read: " + show);
        assertTrue(show.out().contains("tftp1"), show.out());
        Lab.Result haStatus = cliAs(reader, "ha", "status");
        assertEquals(0, haStatus.exit(), "ha status only reads: " + haStatus);

        for (String[] change : new String[][] {{"disable", "service", "tftp1"}, {"reload"}, {"ha", "standby"}}) {
            Lab.Result refused = cliAs(reader, change);
            assertNotEquals(0, refused.exit(), String.join(" ", change) + " by a reader: " + refused);
            assertTrue(
                    refused.err()
                            .contains("permission denied: " + String.join(" ", change)
                                    + " needs admin (root, dsrlb or group dsrlb-admin); you are uid " + nobodyUid
                                    + " (nobody)"),
                    refused.toString());
        }
        assertTrue(cliAs(reader, "show", "service", "tftp1").out().contains("UP"), "tftp1 stays UP");
        assertTrue(
                Files.readString(log).contains("control socket: refused 'disable service tftp1' from uid " + nobodyUid),
                "the refusal is logged:\n" + Files.readString(log));

        // Primary group dsrlb-admin (as `sg dsrlb-admin` or newgrp would give).
        List<String> adminByPrimaryGroup = List.of("--reuid", "nobody", "--regid", "dsrlb-admin", "--groups", "dsrlb");
        Lab.Result disabled = cliAs(adminByPrimaryGroup, "disable", "service", "tftp1");
        assertEquals(0, disabled.exit(), "primary group dsrlb-admin may disable: " + disabled);
        assertTrue(cliAs(reader, "show", "service", "tftp1").out().contains("OUT OF SERVICE"), "tftp1 disabled");
        assertEquals(0, cliAs(adminByPrimaryGroup, "enable", "service", "tftp1").exit());

        // A listed member (adduser x dsrlb-admin), added while dsrlb runs: a refusal looks the
        // group up again, so no restart is needed.
        Lab.check(
                Lab.run(
                        20,
                        "useradd",
                        "--system",
                        "--no-create-home",
                        "--no-user-group",
                        "--gid",
                        "nogroup",
                        "--groups",
                        "dsrlb,dsrlb-admin",
                        "--shell",
                        "/usr/sbin/nologin",
                        ADMIN_USER),
                "useradd " + ADMIN_USER);
        try {
            // dsrlb re-reads the group's members at most every 5 s (AccessPolicy.REFRESH_NANOS),
            // and the refusals above may have read them just now: the promise is "within 5 s".
            Thread.sleep(5_500);
            Lab.Result member = cliAs(
                    List.of("--reuid", ADMIN_USER, "--regid", "nogroup", "--init-groups"),
                    "disable",
                    "service",
                    "tftp1");
            assertEquals(0, member.exit(), "a listed member of dsrlb-admin may disable: " + member);
            assertTrue(cliAs(reader, "show", "service", "tftp1").out().contains("OUT OF SERVICE"));
        } finally {
            Lab.runQuietly(20, "userdel", ADMIN_USER);
            assertEquals(
                    0, cliAs(adminByPrimaryGroup, "enable", "service", "tftp1").exit());
        }
        assertTrue(cliAs(reader, "show", "service", "tftp1").out().contains("UP"), "tftp1 back UP");
    }

    /** The installed CLI on the test's socket as the setpriv identity {@code who}, with no capabilities. */
    private Lab.Result cliAs(List<String> who, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("setpriv"));
        cmd.addAll(who);
        cmd.addAll(List.of(
                "--inh-caps", "-all", "--bounding-set", "-all", "--", "env", "HOME=/nonexistent", "/usr/bin/dsrlb"));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("--control-socket", socket.toString()));
        return Lab.run(60, cmd.toArray(String[]::new));
    }

    @Test
    @Order(6)
    // s is held open only so the socket exists while its group is read.
    @SuppressWarnings("try")
    void aRootRunDsrlbGivesItsSocketTheGroupOfItsDirectory() throws IOException {
        // Run by root (no unit) in a directory an operator gave group dsrlb: the socket follows it.
        Path dir = Files.createDirectory(tmp.resolve("root-run"));
        chown(dir, "root", "dsrlb");
        Path sock = dir.resolve("dsrlb.sock");
        try (ControlServer s = ControlServer.start(sock, line -> "{}")) {
            assertEquals(
                    "dsrlb",
                    Files.readAttributes(sock, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                            .group()
                            .getName());
        }
    }

    @Test
    @Order(7)
    void itStopsOnSigtermWithItsCounters() throws Exception {
        dsrlb.destroy();
        assertTrue(dsrlb.waitFor(20, TimeUnit.SECONDS), "dsrlb did not stop on SIGTERM");
        String out = Files.readString(log, StandardCharsets.UTF_8);
        Matcher m =
                Pattern.compile("counters: received (\\d+), forwarded (\\d+)").matcher(out);
        assertTrue(m.find(), "no counters line:\n" + out);
        // The kernel carried the ACKs; dsrlb forwarded each client's first packets.
        Matcher k = Pattern.compile("offload: kernel forwarded (\\d+) packets").matcher(out);
        assertTrue(k.find(), "no offload line:\n" + out);
        assertTrue(Long.parseLong(k.group(1)) > 500, "the kernel forwarded " + k.group(1) + ":\n" + out);
        Lab.Result tables = Lab.inNamespace(Lab.LB_NS, 10, "nft", "list", "tables");
        assertFalse(tables.out().contains("dsrlb_"), "a clean stop removes the table: " + tables);
        assertFalse(Files.exists(socket, LinkOption.NOFOLLOW_LINKS), "the socket is removed at stop");
    }

    /**
     * An admin who overrides the unit to CAP_NET_RAW only: auto says why it skips the kernel path
     * and takes the native engine from the installed package (JNA and libdsrlbnet.so load from
     * /usr/lib/dsrlb with no usable temporary directory, the AF_PACKET ring needs no other capability, its memory is locked only when the limit
     * allows), and downloads go through.
     */
    @Test
    @Order(8)
    void withCapNetRawOnlyAutoTakesTheNativeEngineAndSaysWhy() throws Exception {
        List<String> cmd = new ArrayList<>(execStart());
        Path nativeLog = tmp.resolve("native.log");
        Process p = new ProcessBuilder(asUnitUser("+net_raw", cmd))
                .redirectErrorStream(true)
                .redirectOutput(nativeLog.toFile())
                .start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
            while (!Files.readString(nativeLog).contains(" ready: ")) {
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    fail("dsrlb --engine native did not get ready:\n" + Files.readString(nativeLog));
                }
                Thread.sleep(100);
            }
            String started = Files.readString(nativeLog);
            assertTrue(started.contains("engine auto: offload skipped: no CAP_NET_ADMIN"), started);
            assertTrue(started.contains("engine native (chosen by --engine auto)"), started);
            Path out = tmp.resolve("native-get");
            Lab.Result r = TftpClient.CURL.download(Lab.VIP, "ARDBP32.BIN", out, "192.0.2.120", 20);
            assertTrue(r.ok(), r + "\n" + Files.readString(nativeLog));
            assertEquals(Lab.sha256(Lab.served("ARDBP32.BIN")), Lab.sha256(out));
        } finally {
            p.destroy();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
        assertTrue(Files.readString(nativeLog).contains("counters: received"), Files.readString(nativeLog));
    }

    /**
     * What systemd's SystemCallFilter=@system-service would meet, without systemd as PID 1:
     * dsrlb started as the unit starts it (offload engine, both capabilities), under strace
     * -f, through a real download and a SIGTERM stop; every syscall any of its threads or
     * helpers (ip, nft via libnftables) made must be in the expanded @system-service group.
     */
    @Test
    @Order(9)
    void everySyscallOfARealRunIsInTheUnitsSyscallFilter() throws Exception {
        Path trace = tmp.resolve("strace.txt");
        List<String> cmd = asUnitUser(unitCaps(), execStart());
        // ip netns exec <ns> strace ... setpriv ...: strace runs as root inside the namespace.
        cmd.addAll(4, List.of("strace", "-f", "-qq", "-c", "-o", trace.toString()));
        Path traceLog = tmp.resolve("strace-run.log");
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(traceLog.toFile())
                .start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!Files.readString(traceLog).contains(" ready: ")) {
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    fail("dsrlb under strace did not get ready:\n" + Files.readString(traceLog));
                }
                Thread.sleep(200);
            }
            Path out = tmp.resolve("strace-get");
            Lab.Result r = TftpClient.CURL.download(Lab.VIP, "ARDBP32.BIN", out, "192.0.2.130", 30);
            assertTrue(r.ok(), r + "\n" + Files.readString(traceLog));
            // strace's child is the JVM (setpriv, env and the launcher exec): stop it as systemd would.
            ProcessHandle jvm = p.toHandle().children().findFirst().orElseThrow();
            Lab.check(Lab.run(5, "kill", "-TERM", Long.toString(jvm.pid())), "kill -TERM the JVM");
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "dsrlb under strace stopped");
        } finally {
            if (p.isAlive()) {
                p.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
        }
        assertTrue(Files.readString(traceLog).contains("counters: received"), Files.readString(traceLog));

        Set<String> used = new TreeSet<>();
        Pattern row = Pattern.compile("^\\s*[0-9.]+\\s+[0-9.]+\\s+[0-9]+\\s+[0-9]+\\s+(?:[0-9]+\\s+)?([a-z0-9_]+)$");
        for (String line : Files.readAllLines(trace)) {
            Matcher m = row.matcher(line);
            if (m.matches() && !m.group(1).equals("total")) {
                used.add(m.group(1));
            }
        }
        assertTrue(used.containsAll(List.of("socket", "setsockopt", "mmap", "futex")), "strace -c read: " + used);
        Set<String> allowed = systemServiceSyscalls();
        List<String> outside = used.stream().filter(s -> !allowed.contains(s)).toList();
        assertEquals(
                List.of(),
                outside,
                "syscalls a real run made that @system-service would refuse (EPERM); " + "all it made: " + used);
    }

    /** `systemd-analyze syscall-filter @system-service`, its nested @groups expanded. */
    private static Set<String> systemServiceSyscalls() throws IOException {
        Lab.Result all = Lab.run(30, "systemd-analyze", "syscall-filter");
        assertTrue(all.ok(), all.toString());
        Map<String, List<String>> groups = new HashMap<>();
        String current = null;
        for (String line : all.out().lines().toList()) {
            if (line.startsWith("@")) {
                current = line.split("\\s+", -1)[0];
                groups.put(current, new ArrayList<>());
            } else if (current != null && !line.isBlank() && !line.strip().startsWith("#")) {
                groups.get(current).add(line.strip());
            }
        }
        Set<String> out = new HashSet<>();
        List<String> todo = new ArrayList<>(List.of("@system-service"));
        Set<String> seen = new HashSet<>();
        while (!todo.isEmpty()) {
            String g = todo.remove(todo.size() - 1);
            if (!seen.add(g)) {
                continue;
            }
            for (String e : groups.getOrDefault(g, List.of())) {
                if (e.startsWith("@")) {
                    todo.add(e);
                } else {
                    out.add(e);
                }
            }
        }
        return out;
    }

    /** A setting of the installed unit, e.g. LimitRTPRIO. */
    private static String unitSetting(String name) {
        try {
            return Files.readString(UNIT)
                    .lines()
                    .filter(l -> l.startsWith(name + "="))
                    .findFirst()
                    .map(l -> l.substring(name.length() + 1).trim())
                    .orElseThrow(() -> new AssertionError("no " + name + "= in " + UNIT));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The installed unit's capabilities as setpriv's list, e.g. "+net_raw,+net_admin". */
    private static String unitCaps() {
        String ambient = unitSetting("AmbientCapabilities");
        assertEquals(ambient, unitSetting("CapabilityBoundingSet"), "ambient and bounding set are the same");
        return Arrays.stream(ambient.split("\\s+"))
                .map(c -> "+" + c.toLowerCase(Locale.ROOT).replaceFirst("^cap_", ""))
                .collect(Collectors.joining(","));
    }

    /**
     * The installed unit's ExecStart, as words, with {@code $DSRLB_OPTS} from the installed
     * /etc/default/dsrlb split on white space as systemd does, and the test's control socket added.
     */
    private List<String> execStart() throws IOException {
        Matcher opts = Pattern.compile("(?m)^DSRLB_OPTS=\"([^\"]*)\"$").matcher(Files.readString(DEFAULTS));
        assertTrue(opts.find(), DEFAULTS + " sets DSRLB_OPTS");
        List<String> words = new ArrayList<>();
        for (String word : unitSetting("ExecStart").split("\\s+", -1)) {
            if (word.equals("$DSRLB_OPTS")) {
                words.addAll(List.of(opts.group(1).trim().split("\\s+")).stream()
                        .filter(w -> !w.isEmpty())
                        .toList());
            } else {
                words.add(word);
            }
        }
        words.addAll(List.of("--control-socket", socket.toString()));
        return words;
    }

    /**
     * What the unit's User=/Group=, AmbientCapabilities=/CapabilityBoundingSet= (only
     * {@code caps}) and NoNewPrivileges= do, in the lb namespace, with the environment
     * systemd gives a service.
     */
    private static List<String> asUnitUser(String caps, List<String> command) {
        List<String> cmd = new ArrayList<>(List.of(
                "ip",
                "netns",
                "exec",
                Lab.LB_NS,
                "setpriv",
                "--reuid",
                "dsrlb",
                "--regid",
                "dsrlb",
                "--init-groups",
                "--inh-caps",
                "-all" + (caps.equals("-all") ? "" : "," + caps),
                "--ambient-caps",
                "-all" + (caps.equals("-all") ? "" : "," + caps),
                "--bounding-set",
                "-all" + (caps.equals("-all") ? "" : "," + caps),
                "--no-new-privs",
                "--",
                "env",
                "-i",
                "PATH=/usr/local/bin:/usr/bin:/bin",
                "HOME=/nonexistent",
                "USER=dsrlb",
                "LOGNAME=dsrlb",
                "LANG=C.UTF-8",
                // The unit's Environment= line, as systemd sets it.
                "DSRLB_JVM_MEMORY=" + unitSetting("Environment").replaceFirst("^DSRLB_JVM_MEMORY=", ""),
                // A temporary directory nobody can use, as a noexec /tmp is for libraries: the
                // package's native libraries must come from /usr/lib/dsrlb, never unpacked.
                "DSRLB_JAVA_OPTS=-Djava.io.tmpdir=/nonexistent/dsrlb-tmp"));
        cmd.addAll(command);
        return cmd;
    }

    private static Map<String, String> procStatus(long pid) throws IOException {
        Map<String, String> m = new HashMap<>();
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                m.put(line.substring(0, colon), line.substring(colon + 1).trim());
            }
        }
        return m;
    }

    private static void chown(Path p, String user, String group) throws IOException {
        UserPrincipalLookupService users = p.getFileSystem().getUserPrincipalLookupService();
        PosixFileAttributeView v = Files.getFileAttributeView(p, PosixFileAttributeView.class);
        v.setOwner(users.lookupPrincipalByName(user));
        GroupPrincipal g = users.lookupPrincipalByGroupName(group);
        v.setGroup(g);
    }
}
