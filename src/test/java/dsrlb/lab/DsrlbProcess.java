package dsrlb.lab;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/** dsrlb run in the lb namespace, as an operator starts it: the real jar, the real config. */
public final class DsrlbProcess implements AutoCloseable {
    private static final Pattern ALL_UP = Pattern.compile("ready: ([1-9][0-9]*) of \\1 services UP");
    private final Process process;
    private final Path log;

    private DsrlbProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Starts {@code dsrlb run --config <config>} and waits for its "ready:" line. */
    public static DsrlbProcess start(Path config, String... extraArgs) throws IOException {
        return startIn(Lab.LB_NS, config, extraArgs);
    }

    /** {@link #start} in another LB namespace (the HA and ECMP variants' dsrlb-lb2). */
    public static DsrlbProcess startIn(String namespace, Path config, String... extraArgs) throws IOException {
        return startWrapped(namespace, List.of(), config, extraArgs);
    }

    /**
     * {@link #start} under a wrapper that execs it, e.g. setpriv with fewer capabilities.
     *
     * @param wrapper the wrapper's command and arguments, before {@code java}
     */
    public static DsrlbProcess startWrapped(String namespace, List<String> wrapper, Path config, String... extraArgs)
            throws IOException {
        return startWrapped(namespace, wrapper, List.of(), config, extraArgs);
    }

    /**
     * {@link #startWrapped} with JVM options (as the launcher's DSRLB_JAVA_OPTS), e.g. a heap
     * bound and a GC log.
     */
    public static DsrlbProcess startWrapped(
            String namespace, List<String> wrapper, List<String> jvmOptions, Path config, String... extraArgs)
            throws IOException {
        Path log = Files.createTempFile("dsrlb-run", ".log");
        List<String> cmd = new java.util.ArrayList<>(List.of("ip", "netns", "exec", namespace));
        cmd.addAll(wrapper);
        cmd.add("java");
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-jar", Lab.JAR.toString(), "run", "--config", config.toString()));
        cmd.addAll(List.of(extraArgs));
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        DsrlbProcess d = new DsrlbProcess(p, log);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            String text = d.log();
            if (text.contains(" ready: ")) {
                // "ready: N of N services UP": every backend resolved (two in the seed, four
                // with examples/ipv6.conf: each server once per family).
                if (!ALL_UP.matcher(text).find()) {
                    d.close();
                    fail("dsrlb did not resolve every backend:\n" + text);
                }
                return d;
            }
            if (!p.isAlive()) {
                fail("dsrlb exited with " + p.exitValue() + ":\n" + text);
            }
            sleep(100);
        }
        d.close();
        fail("dsrlb not ready within 30 s:\n" + d.log());
        return d;
    }

    public String log() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    /** The dsrlb JVM's pid (`ip netns exec` execs it in place). */
    public long pid() {
        return process.pid();
    }

    /** Stops it with SIGTERM, as systemd would, and returns its whole output. */
    public String stop() {
        process.destroy();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return log();
    }

    /** Kills it with SIGKILL, as the OOM killer or a crash would: no shutdown hook runs. */
    public String kill() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return log();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            stop();
        }
        try {
            Files.deleteIfExists(log);
        } catch (IOException ignored) {
            // a temp file; nothing depends on it
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
