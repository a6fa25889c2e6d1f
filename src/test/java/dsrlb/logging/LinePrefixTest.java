package dsrlb.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LinePrefixTest {
    @TempDir
    Path dir;

    @Test
    void journalGetsTheSyslogPriorityAndNoTime() {
        assertEquals("<3>", LinePrefix.prefix(Level.ERROR, Instant.EPOCH, true));
        assertEquals("<4>", LinePrefix.prefix(Level.WARN, Instant.EPOCH, true));
        assertEquals("<6>", LinePrefix.prefix(Level.INFO, Instant.EPOCH, true));
        assertEquals("<7>", LinePrefix.prefix(Level.DEBUG, Instant.EPOCH, true));
        String plain = LinePrefix.prefix(Level.WARN, Instant.EPOCH, false);
        assertTrue(plain.matches("19(69|70)-\\d\\d-\\d\\dT\\d\\d:\\d\\d:00\\.000[+-]\\d{4} WARN "), plain);
    }

    @Test
    void journalStreamMustBeStderrItself() throws IOException {
        Path out = Files.createFile(dir.resolve("stderr"));
        Path other = Files.createFile(dir.resolve("other"));
        String stream = devIno(out);
        assertTrue(JournalStream.matches(Map.of("JOURNAL_STREAM", stream), out));
        assertFalse(JournalStream.matches(Map.of("JOURNAL_STREAM", stream), other), "inherited, stderr moved");
        assertFalse(JournalStream.matches(Map.of(), out));
        assertFalse(JournalStream.matches(Map.of("JOURNAL_STREAM", "garbage"), out));
        assertFalse(JournalStream.matches(Map.of("JOURNAL_STREAM", "1:x"), out));
    }

    /** The real setup (logback.xml on the class path) in a process of its own, as systemd starts dsrlb. */
    @Test
    void aProcessWhoseStderrIsTheJournalWritesPriorities() throws Exception {
        Path log = Files.createFile(dir.resolve("journal"));
        List<String> journal = run(Map.of("JOURNAL_STREAM", devIno(log)), log);
        assertEquals(
                List.of(
                        "<6>LogSample - an info line",
                        "<4>LogSample - VIP 192.0.2.20 claimed by 02:00:00:00:00:99",
                        "<3>LogSample - an error line"),
                journal);

        Path file = Files.createFile(dir.resolve("file"));
        List<String> plain = run(Map.of("JOURNAL_STREAM", devIno(log)), file);
        assertEquals(3, plain.size(), plain.toString());
        assertTrue(
                plain.get(1).matches("\\d{4}-\\d\\d-\\d\\dT[0-9:.]+[+-]\\d{4} WARN LogSample - VIP .*"), plain.get(1));
    }

    static String devIno(Path p) throws IOException {
        return Files.getAttribute(p, "unix:dev") + ":" + Files.getAttribute(p, "unix:ino");
    }

    static List<String> run(Map<String, String> env, Path stderr) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb =
                new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), LogSample.class.getName());
        Map<String, String> e = new HashMap<>(pb.environment());
        e.remove("JOURNAL_STREAM");
        pb.environment().clear();
        pb.environment().putAll(e);
        pb.environment().putAll(env);
        Process p = pb.redirectErrorStream(false)
                .redirectError(stderr.toFile())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "LogSample did not end");
        assertEquals(0, p.exitValue());
        return Files.readAllLines(stderr);
    }
}
