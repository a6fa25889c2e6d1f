package dsrlb.storm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ProgressBarTest {
    @Test
    void rendersCountsBytesAndTime() {
        assertEquals(
                "[#####---------------] 16/64 done: 15 ok, 1 failed, 48 running, 3.8 MiB, 1.2 s",
                ProgressBar.render(new Progress(64, 48, 15, 1, 15 * 262_144L, 1_234_000_000L)));
        assertEquals(
                "[--------------------] 0/8 done: 0 ok, 0 failed, 0 running, 0.0 MiB, 0.0 s",
                ProgressBar.render(new Progress(8, 0, 0, 0, 0, 0)));
        assertEquals(
                "[####################] 8/8 done: 8 ok, 0 failed, 0 running, 2.0 MiB, 0.3 s",
                ProgressBar.render(new Progress(8, 0, 8, 0, 2 * 1_048_576L, 300_000_000L)));
    }

    @Test
    void redrawsInPlaceAtMostTenTimesASecondAndErasesItselfAtTheEnd() throws InterruptedException {
        StringWriter sink = new StringWriter();
        AtomicReference<Progress> state = new AtomicReference<>(new Progress(4, 4, 0, 0, 0, 0));
        ProgressBar bar = ProgressBar.start(state::get, new PrintWriter(sink));
        Thread.sleep(250);
        state.set(new Progress(4, 0, 4, 0, 1_048_576, 500_000_000));
        Thread.sleep(250);
        bar.close();

        String s = sink.toString();
        long draws = s.chars().filter(c -> c == '\r').count() - 2; // the erase is "\r<spaces>\r"
        assertTrue(draws >= 2 && draws <= 6, draws + " draws in 0.5 s: " + s);
        assertTrue(s.startsWith("\r[--------------------] 0/4 done"), s);
        assertTrue(s.contains("\r[####################] 4/4 done: 4 ok"), s);
        assertTrue(s.endsWith("\r" + " ".repeat(ProgressBar.render(state.get()).length()) + "\r"), s);
        assertTrue(!s.contains("\n"), "one line, redrawn: " + s);
    }
}
