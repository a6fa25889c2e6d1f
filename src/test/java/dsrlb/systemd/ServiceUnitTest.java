package dsrlb.systemd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * packaging/dsrlb.service as far as it can be checked without systemd as PID 1: systemd's own
 * parser accepts it, the syscalls dsrlb makes are all in its filter, and MemoryMax leaves the
 * heap room for the persistence bound. (LeastPrivilegeIT verifies the installed unit too.)
 */
class ServiceUnitTest {
    static final Path UNIT = Path.of("packaging/dsrlb.service");

    /**
     * What dsrlb calls, by who calls it: the JVM (threads, memory, signals, files, time), the
     * AF_PACKET ring (native/dsrlbnet.c) and libpcap, the filter lock, the receive thread's
     * SCHED_FIFO, the control socket and its peer lookup, the helper processes (ip, getent).
     */
    static final List<String> NEEDED = List.of(
            "clone",
            "clone3",
            "futex",
            "mmap",
            "munmap",
            "mprotect",
            "madvise",
            "mremap",
            "rt_sigaction",
            "rt_sigprocmask",
            "rt_sigreturn",
            "sigaltstack",
            "openat",
            "read",
            "write",
            "close",
            "fstat",
            "newfstatat",
            "statx",
            "getdents64",
            "readlink",
            "lseek",
            "prctl",
            "sched_getaffinity",
            "sched_yield",
            "clock_gettime",
            "clock_nanosleep",
            "nanosleep",
            "getrandom",
            "sysinfo",
            "prlimit64",
            "set_robust_list",
            "rseq",
            "membarrier",
            "epoll_create1",
            "epoll_ctl",
            "epoll_wait",
            "epoll_pwait",
            "pipe2",
            "eventfd2",
            "ioctl",
            "poll",
            "ppoll",
            "socket",
            "bind",
            "connect",
            "listen",
            "accept",
            "accept4",
            "getsockopt",
            "setsockopt",
            "sendto",
            "recvfrom",
            "sendmsg",
            "recvmsg",
            "sendmmsg",
            "recvmmsg",
            "shutdown",
            "sched_setscheduler",
            "execve",
            "wait4",
            "kill",
            "tgkill",
            "exit_group",
            "fchmod",
            "fchown",
            "fchownat",
            "unlinkat");

    @Test
    void systemdAcceptsTheUnit(@TempDir Path dir) throws Exception {
        // verify runs ExecStart's binary check and man for Documentation=: neither is installed
        // in a build tree, so they point at /bin/true and go; everything else is as shipped.
        String unit = Files.readString(UNIT)
                .lines()
                .filter(l -> !l.startsWith("Documentation="))
                .map(l -> l.startsWith("ExecStart=") ? "ExecStart=/bin/true" : l)
                .map(l -> l.startsWith("ExecReload=") ? "ExecReload=/bin/true" : l)
                .collect(Collectors.joining("\n", "", "\n"));
        Path copy = Files.writeString(dir.resolve("dsrlb.service"), unit);
        Result r = run("systemd-analyze", "verify", copy.toString());
        assertEquals(0, r.exit, r.toString());
        assertEquals("", r.err.strip(), "systemd-analyze verify has no complaint: " + r);
    }

    @Test
    void theUnitFiltersSyscallsHidesProcessesAndBoundsMemory() throws IOException {
        Set<String> lines = Files.readString(UNIT).lines().collect(Collectors.toSet());
        for (String line : List.of(
                "SystemCallFilter=@system-service",
                "SystemCallErrorNumber=EPERM",
                "SystemCallArchitectures=native",
                "ProtectProc=invisible",
                "NoNewPrivileges=yes")) {
            assertTrue(lines.contains(line), "the unit has " + line);
        }
    }

    @Test
    void everySyscallDsrlbMakesIsInSystemService() throws Exception {
        Set<String> allowed = expand("@system-service", groups());
        List<String> missing = NEEDED.stream().filter(s -> !allowed.contains(s)).toList();
        assertEquals(List.of(), missing, "not in @system-service");
        // And what it must never need, so the filter means something.
        for (String s : List.of("bpf", "perf_event_open", "ptrace", "init_module", "kexec_load", "mount")) {
            assertTrue(!allowed.contains(s), s + " is filtered out");
        }
    }

    @Test
    void memoryMaxLeavesTheHeapRoomForThePersistenceBound() throws IOException {
        String unit = Files.readString(UNIT);
        Matcher max = Pattern.compile("(?m)^MemoryMax=([0-9]+)M$").matcher(unit);
        assertTrue(max.find(), "MemoryMax=<n>M in the unit");
        Matcher share = Pattern.compile("(?m)^Environment=DSRLB_JVM_MEMORY=-XX:MaxRAMPercentage=([0-9]+)$")
                .matcher(unit);
        assertTrue(share.find(), "the heap's share of MemoryMax in the unit");
        Matcher perEntry =
                Pattern.compile("([0-9.]+) bytes per entry").matcher(Files.readString(Path.of("BENCHMARKS.md")));
        assertTrue(perEntry.find(), "BENCHMARKS.md has the measured bytes per persisted client");

        long heap = Long.parseLong(max.group(1)) * 1024 * 1024 * Long.parseLong(share.group(1)) / 100;
        double table = 1_000_000 * Double.parseDouble(perEntry.group(1)); // default -persistenceMaxEntries
        // G1 wants the live set well under the heap; twice the table leaves that.
        assertTrue(heap >= 2 * table, "heap " + heap + " B for a table of " + (long) table + " B");
        long rest = Long.parseLong(max.group(1)) * 1024 * 1024 - heap;
        assertTrue(rest >= 64L * 1024 * 1024 + 128L * 1024 * 1024, "room for the 64 MiB ring and the JVM: " + rest);
    }

    /** `systemd-analyze syscall-filter`: each @group and its lines (calls or other @groups). */
    private static Map<String, List<String>> groups() throws Exception {
        Result r = run("systemd-analyze", "syscall-filter");
        assertEquals(0, r.exit, r.toString());
        Map<String, List<String>> groups = new HashMap<>();
        String current = null;
        for (String line : r.out.lines().toList()) {
            if (line.startsWith("@")) {
                current = line.split("\\s+", -1)[0];
                groups.put(current, new java.util.ArrayList<>());
            } else if (current != null && !line.isBlank() && !line.strip().startsWith("#")) {
                groups.get(current).add(line.strip());
            }
        }
        assertTrue(groups.containsKey("@system-service"), r.out);
        return groups;
    }

    private static Set<String> expand(String group, Map<String, List<String>> groups) {
        Set<String> out = new HashSet<>();
        for (String entry : groups.getOrDefault(group, List.of())) {
            if (entry.startsWith("@")) {
                out.addAll(expand(entry, groups));
            } else {
                out.add(entry);
            }
        }
        return out;
    }

    private record Result(int exit, String out, String err) {}

    private static Result run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).start();
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join(" ", command) + " finished");
        return new Result(
                p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }
}
