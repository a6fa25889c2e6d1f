package dsrlb.tftp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class PacketTraceTest {
    @Test
    void keepsTheFirstAndTheLastEventsAndCountsTheRest() {
        PacketTrace t = new PacketTrace();
        for (int i = 0; i < 20; i++) {
            t.add(i * 1_500_000L, "event " + i);
        }

        List<String> lines = t.lines(0);

        assertEquals(PacketTrace.HEAD + 1 + PacketTrace.TAIL, lines.size());
        assertEquals("+0.000s event 0", lines.get(0));
        assertEquals("+0.003s event 2", lines.get(2));
        assertEquals("... 9 more events", lines.get(3));
        assertEquals("+0.018s event 12", lines.get(4));
        assertEquals("+0.029s event 19", lines.get(lines.size() - 1));
    }

    @Test
    void aShortTraceIsComplete() {
        PacketTrace t = new PacketTrace();
        t.add(1_002_000_000L, "-> RRQ f");

        assertEquals(List.of("+0.002s -> RRQ f"), t.lines(1_000_000_000L));
    }
}
