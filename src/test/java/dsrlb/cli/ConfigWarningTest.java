package dsrlb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** dsrlb check and dsrlb run warn about a config that every user can write, and still load it. */
class ConfigWarningTest {
    @TempDir
    Path dir;

    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    private Path seedWithMode(String mode) throws IOException {
        Path conf = Files.copy(Path.of("examples/seed.conf"), dir.resolve("dsrlb.conf"));
        Files.setPosixFilePermissions(conf, PosixFilePermissions.fromString(mode));
        return conf;
    }

    @Test
    void checkWarnsAboutAWorldWritableConfigAndStillPasses() throws IOException {
        Path conf = seedWithMode("rw-rw-rw-");
        assertEquals(0, run("check", "--config", conf.toString()));
        assertTrue(err.toString().startsWith("dsrlb: warning: " + conf + " is writable by every user"), err.toString());
        assertTrue(out.toString().contains("OK: 1 VIP(s)"), out.toString());
    }

    @Test
    void runRefusesIt() throws IOException {
        Path conf = seedWithMode("rw-r--rw-");
        assertEquals(Main.EXIT_USAGE, run("run", "--config", conf.toString(), "--interface", "nosuch0"));
        assertTrue(
                err.toString().contains("dsrlb run: unsafe config: " + conf + " is writable by every user"),
                err.toString());
        assertTrue(err.toString().contains("dsrlb run: refusing to run with " + conf), err.toString());
    }

    @Test
    void aConfigOnlyItsOwnerWritesIsQuiet() throws IOException {
        Path conf = seedWithMode("rw-r--r--");
        assertEquals(0, run("check", "--config", conf.toString()));
        assertFalse(err.toString().contains("warning"), err.toString());
    }
}
