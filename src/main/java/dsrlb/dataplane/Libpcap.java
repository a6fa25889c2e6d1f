package dsrlb.dataplane;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Points pcap4j at the runtime libpcap. pcap4j asks JNA for "pcap", which only finds the
 * unversioned libpcap.so of the -dev package; the runtime package (Debian: libpcap0.8) has
 * only the versioned file, so we name it when we can find it.
 */
public final class Libpcap {
    private static final String PROPERTY = "org.pcap4j.core.pcapLibName";
    private static final List<String> CANDIDATES = List.of(
            "/usr/lib/x86_64-linux-gnu/libpcap.so.1",
            "/usr/lib/x86_64-linux-gnu/libpcap.so.0.8",
            "/usr/lib/aarch64-linux-gnu/libpcap.so.1",
            "/usr/lib/aarch64-linux-gnu/libpcap.so.0.8",
            "/usr/lib64/libpcap.so.1",
            "/usr/lib/libpcap.so.1",
            "/usr/lib/libpcap.so.0.8");

    private Libpcap() {}

    public static void configure() {
        if (System.getProperty(PROPERTY) != null) {
            return;
        }
        for (String c : CANDIDATES) {
            if (Files.isReadable(Path.of(c))) {
                System.setProperty(PROPERTY, c);
                return;
            }
        }
    }
}
