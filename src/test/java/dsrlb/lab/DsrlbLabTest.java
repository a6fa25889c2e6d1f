package dsrlb.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * The fixture of the lab tests that talk to dsrlb over its control socket: a lab built for the
 * class, a directory of its own (a {@code @TempDir} field is not there yet in a PER_CLASS
 * {@code @BeforeAll}), dsrlb started with the socket in it; all of it gone afterwards.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class DsrlbLabTest {
    Path dir;
    Path socket;
    DsrlbProcess dsrlb;

    /** Options for lab/up. */
    String[] labOptions() {
        return new String[0];
    }

    /** The config dsrlb starts with; {@link #dir} exists by then. */
    Path config() throws IOException {
        return Lab.BASEDIR.resolve("examples/seed.conf");
    }

    /** Where the control socket goes, below {@link #dir}. */
    Path socketPath() {
        return dir.resolve("dsrlb.sock");
    }

    /** `dsrlb run` arguments besides the config and the control socket. */
    String[] dsrlbArgs() throws IOException {
        return new String[0];
    }

    /** JVM options for dsrlb's java (as the launcher's DSRLB_JAVA_OPTS); {@link #dir} exists by then. */
    List<String> jvmOptions() {
        return List.of();
    }

    /** Undoes what a test changed in the lab beyond dsrlb, before the lab goes. */
    void restoreLab() {}

    @BeforeAll
    final void startLabAndDsrlb() throws IOException {
        Lab.requireNamespaces();
        Lab.down();
        Lab.up(labOptions());
        dir = Files.createTempDirectory("dsrlb-" + getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT));
        socket = socketPath();
        List<String> args = new ArrayList<>(List.of("--control-socket", socket.toString()));
        args.addAll(List.of(dsrlbArgs()));
        dsrlb = DsrlbProcess.startWrapped(Lab.LB_NS, List.of(), jvmOptions(), config(), args.toArray(String[]::new));
    }

    @AfterAll
    final void stopDsrlbAndLab() throws IOException {
        if (dsrlb != null) {
            dsrlb.close();
        }
        restoreLab();
        Lab.down();
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
