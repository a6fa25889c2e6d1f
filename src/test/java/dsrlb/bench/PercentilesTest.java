package dsrlb.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class PercentilesTest {
    @Test
    void nearestRankOfOneToHundred() {
        long[] s = new long[100];
        for (int i = 0; i < 100; i++) {
            s[i] = 100 - i; // unsorted on purpose
        }
        Percentiles p = new Percentiles(s);
        assertEquals(50, p.at(50));
        assertEquals(90, p.at(90));
        assertEquals(99, p.at(99));
        assertEquals(100, p.at(100));
        assertEquals(1, p.at(0.5));
        assertEquals(100, p.max());
    }

    @Test
    void smallSamples() {
        Percentiles p = new Percentiles(new long[] {7, 3});
        assertEquals(3, p.at(50));
        assertEquals(7, p.at(51));
        assertThrows(IllegalArgumentException.class, () -> new Percentiles(new long[0]));
        assertThrows(IllegalArgumentException.class, () -> p.at(0));
    }
}
