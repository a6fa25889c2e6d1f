package dsrlb.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The process's effective Linux capabilities, from /proc/self/status: the engines say which one
 * they lack before they try, so {@code --engine auto} can log a reason a person understands
 * instead of an errno from deep inside a library.
 */
public record Capabilities(long effective) {
    public static final int CAP_NET_ADMIN = 12;
    public static final int CAP_NET_RAW = 13;

    /** This process's; all bits set when /proc cannot be read (the engines' own errors then speak). */
    public static Capabilities ofThisProcess() {
        try {
            return parse(Files.readString(Path.of("/proc/self/status")));
        } catch (IOException | IllegalArgumentException e) {
            return new Capabilities(-1L);
        }
    }

    static Capabilities parse(String procStatus) {
        for (String line : procStatus.split("\n", -1)) {
            if (line.startsWith("CapEff:")) {
                return new Capabilities(Long.parseUnsignedLong(
                        line.substring("CapEff:".length()).strip(), 16));
            }
        }
        throw new IllegalArgumentException("no CapEff line");
    }

    public boolean has(int capability) {
        return (effective & (1L << capability)) != 0;
    }
}
