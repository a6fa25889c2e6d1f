package dsrlb.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A forwarder that dies takes the process with it, non-zero, saying why (issue 18's "no silent death"). */
class ReceiveLoopDeathTest {
    @TempDir
    Path dir;

    @Test
    void anErrorInTheReceiveLoopEndsTheProcessNonZero() throws Exception {
        Path log = dir.resolve("out");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(
                        java, "-cp", System.getProperty("java.class.path"), DeadForwarderMain.class.getName())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        try {
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "still running a minute-long main: " + Files.readString(log));
            assertEquals(1, p.exitValue(), Files.readString(log));
            assertTrue(
                    Files.readString(log).contains("receive thread died: java.lang.OutOfMemoryError"),
                    Files.readString(log));
        } finally {
            p.destroyForcibly();
        }
    }
}
