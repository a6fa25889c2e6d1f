package dsrlb.lab;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The network-namespace lab of lab/, driven from tests: brings it up and down and runs
 * commands in its namespaces. Every command is bounded in time.
 *
 * <p>The lab needs root and network namespaces; their absence fails the tests.
 */
public final class Lab {
    public static final String VIP = "198.51.100.20";
    /** lab/up --ipv6: the VIP6 and the router's address on the client LAN (lab/lib.sh). */
    public static final String VIP6 = "2001:db8:2::20";

    public static final String ROUTER6_CLIENT_IP = "2001:db8:1::1";
    public static final String CLIENT_NS = "dsrlb-client";
    public static final String ROUTER_NS = "dsrlb-router";
    public static final String LB_NS = "dsrlb-lb";
    public static final Path BASEDIR =
            Path.of(System.getProperty("dsrlb.basedir", ".")).toAbsolutePath();
    public static final Path JAR =
            Path.of(System.getProperty("dsrlb.jar", "target/dsrlb.jar")).toAbsolutePath();
    public static final Path DIR = Path.of(System.getenv().getOrDefault("DSRLB_LAB_DIR", "/tmp/dsrlb-lab"));

    private Lab() {}

    /**
     * Fails when this machine cannot host the lab. Never a skip: a suite that skips its
     * integration tests would be green for nothing. Without root, leave them out explicitly
     * with {@code -DskipITs}.
     */
    public static void requireNamespaces() {
        String why = whyNoNamespaces();
        if (why != null) {
            fail("the lab integration tests cannot run: " + why
                    + ("true".equals(System.getenv("CI")) ? " (CI=true)" : "")
                    + "; run as root (lab/test does), or leave them out with -DskipITs");
        }
    }

    private static String whyNoNamespaces() {
        try {
            Result id = run(5, "id", "-u");
            if (!id.out().trim().equals("0")) {
                return "not root";
            }
            Result probe = run(10, "sh", "-c", "ip netns add dsrlb-probe && ip netns del dsrlb-probe");
            return probe.ok()
                    ? null
                    : "cannot create a network namespace: " + probe.err().trim();
        } catch (IOException e) {
            return e.getMessage();
        }
    }

    /** {@code dsrlb <args> --json --control-socket <socket>} as an operator runs it; its JSON answer. */
    public static String cli(Path socket, String... args) {
        List<String> cmd = new ArrayList<>(List.of("java", "-jar", JAR.toString()));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("--json", "--control-socket", socket.toString()));
        return check(runQuietly(30, cmd.toArray(String[]::new)), "dsrlb " + String.join(" ", args))
                .out();
    }

    /** lab/up with options; fails the test with the script's output when it fails. */
    public static void up(String... options) {
        List<String> cmd = new ArrayList<>(List.of(BASEDIR.resolve("lab/up").toString()));
        cmd.addAll(List.of(options));
        check(runQuietly(300, cmd.toArray(String[]::new)), "lab/up");
    }

    public static void down() {
        runQuietly(120, BASEDIR.resolve("lab/down").toString());
    }

    public static void offload(boolean on) {
        check(runQuietly(60, BASEDIR.resolve("lab/offload").toString(), on ? "on" : "off"), "lab/offload");
    }

    public static String lbMac() {
        return check(runQuietly(10, BASEDIR.resolve("lab/lb-mac").toString()), "lab/lb-mac")
                .out()
                .trim();
    }

    /** The MAC of dsrlb-lb's interface {@code ifname} (lab/up --lans: eth0 on LAN A, eth1 on LAN B). */
    public static String lbMac(String ifname) {
        return check(runQuietly(10, BASEDIR.resolve("lab/lb-mac").toString(), ifname), "lab/lb-mac " + ifname)
                .out()
                .trim();
    }

    /** client address → backends (tftp1/tftp2) that saw packets from it to the VIP. */
    public static Map<String, List<String>> servedBy() {
        Result r = check(runQuietly(20, BASEDIR.resolve("lab/served-by").toString()), "lab/served-by");
        Map<String, List<String>> m = new LinkedHashMap<>();
        for (String line : r.out().split("\n", -1)) {
            String[] f = line.trim().split("\\s+", -1);
            if (f.length == 2) {
                m.computeIfAbsent(f[0], k -> new ArrayList<>()).add(f[1]);
            }
        }
        return m;
    }

    public static void resetServedBy() {
        check(runQuietly(20, BASEDIR.resolve("lab/served-by").toString(), "--reset"), "lab/served-by --reset");
    }

    public static long directCount(String backend) {
        Result r = check(runQuietly(20, BASEDIR.resolve("lab/direct-count").toString(), backend), "lab/direct-count");
        return Long.parseLong(r.out().trim());
    }

    /** Runs a command in a lab namespace. */
    public static Result inNamespace(String ns, int timeoutSeconds, String... command) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        cmd.addAll(List.of(command));
        return runQuietly(timeoutSeconds, cmd.toArray(String[]::new));
    }

    public static String sha256(Path file) throws IOException {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(d.digest(Files.readAllBytes(file)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The file as the backends serve it (both have identical copies). */
    public static Path served(String name) {
        return DIR.resolve("tftp1").resolve(name);
    }

    public record Result(int exit, String out, String err) {
        public boolean ok() {
            return exit == 0;
        }

        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
        }
    }

    static Result check(Result r, String what) {
        if (!r.ok()) {
            fail(what + " failed: " + r);
        }
        return r;
    }

    static Result runQuietly(int timeoutSeconds, String... command) {
        try {
            return run(timeoutSeconds, command);
        } catch (IOException e) {
            return new Result(-1, "", e.toString());
        }
    }

    static Result run(int timeoutSeconds, String... command) throws IOException {
        Path out = Files.createTempFile("dsrlb-it", ".out");
        Path err = Files.createTempFile("dsrlb-it", ".err");
        try {
            Process p = new ProcessBuilder(command)
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
            boolean done;
            try {
                done = p.waitFor(timeoutSeconds, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                done = false;
            }
            if (!done) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                return new Result(
                        -2,
                        Files.readString(out, StandardCharsets.UTF_8),
                        "timed out after " + timeoutSeconds + " s: " + String.join(" ", command) + "\n"
                                + Files.readString(err, StandardCharsets.UTF_8));
            }
            return new Result(
                    p.exitValue(),
                    Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
