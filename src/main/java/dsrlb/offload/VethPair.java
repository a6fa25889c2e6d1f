package dsrlb.offload;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The veth pair that carries frames the kernel did not forward to dsrlb's capture. Made with
 * iproute2 (arguments, never a shell); no addresses, no IPv6, so the stack stays out of it.
 */
final class VethPair implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(VethPair.class);

    private final String name;

    private VethPair(String name) {
        this.name = name;
    }

    static VethPair create(String name, String peer) throws IOException {
        // A pair left by a killed dsrlb would make `ip link add` fail.
        if (Files.exists(Path.of("/sys/class/net", name))) {
            ip("link", "del", name);
        }
        ip("link", "add", name, "type", "veth", "peer", "name", peer);
        VethPair pair = new VethPair(name);
        try {
            for (String dev : List.of(name, peer)) {
                disableIpv6(dev);
                ip("link", "set", dev, "up");
            }
        } catch (IOException e) {
            pair.close();
            throw e;
        }
        return pair;
    }

    private static void disableIpv6(String dev) {
        Path p = Path.of("/proc/sys/net/ipv6/conf", dev, "disable_ipv6");
        try {
            if (Files.exists(p)) {
                Files.writeString(p, "1");
            }
        } catch (IOException e) {
            log.debug("cannot disable IPv6 on {}: {}", dev, e.getMessage());
        }
    }

    private static void ip(String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add("ip");
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", cmd) + ": timed out");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(String.join(" ", cmd) + ": interrupted", e);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + ": " + (out.isEmpty() ? "exit " + p.exitValue() : out));
        }
    }

    @Override
    public void close() {
        try {
            ip("link", "del", name);
        } catch (IOException e) {
            log.warn("offload: {}", e.getMessage());
        }
    }
}
