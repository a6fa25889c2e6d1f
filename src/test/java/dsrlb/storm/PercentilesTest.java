package dsrlb.storm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PercentilesTest {
    static Percentiles millis(int... ms) {
        return Percentiles.of(IntStream.of(ms).mapToObj(Duration::ofMillis).toList());
    }

    static long ms(Duration d) {
        return d.toMillis();
    }

    @ParameterizedTest(name = "p{0} of 1..10 is {1}")
    @CsvSource({"50,5", "90,9", "99,10", "100,10", "10,1", "1,1", "11,2", "0.5,1"})
    void nearestRankOfOneToTen(double p, long expected) {
        Percentiles s = millis(10, 9, 8, 7, 6, 5, 4, 3, 2, 1);

        assertEquals(expected, ms(s.percentile(p)));
    }

    @Test
    void evenCountsTakeTheLowerMiddleNotAnAverage() {
        Percentiles s = millis(1, 2, 3, 4);

        assertEquals(2, ms(s.percentile(50)));
        assertEquals(4, ms(s.percentile(90)));
        assertEquals(4, ms(s.max()));
    }

    @Test
    void oneValueIsEveryPercentile() {
        Percentiles s = millis(42);

        assertEquals(42, ms(s.percentile(50)));
        assertEquals(42, ms(s.percentile(99)));
        assertEquals(42, ms(s.max()));
        assertEquals(1, s.count());
    }

    @Test
    void sixtyFourClientsLikeTheLab() {
        // 1..64 ms: p50 is rank 32, p90 rank ceil(57.6) = 58, p99 rank ceil(63.36) = 64.
        List<Duration> d = new ArrayList<>();
        for (int i = 1; i <= 64; i++) {
            d.add(Duration.ofMillis(i));
        }
        Collections.shuffle(d, new Random(3));
        Percentiles s = Percentiles.of(d);

        assertEquals(32, ms(s.percentile(50)));
        assertEquals(58, ms(s.percentile(90)));
        assertEquals(64, ms(s.percentile(99)));
    }

    @Test
    void aThousandValuesP99IsRank990() {
        List<Duration> d =
                IntStream.rangeClosed(1, 1000).mapToObj(Duration::ofMillis).toList();

        assertEquals(990, ms(Percentiles.of(d).percentile(99)));
        assertEquals(900, ms(Percentiles.of(d).percentile(90)));
        assertEquals(500, ms(Percentiles.of(d).percentile(50)));
    }

    @Test
    void percentilesNeverDecreaseWithP() {
        Random r = new Random(11);
        List<Duration> d = IntStream.range(0, 137)
                .mapToObj(i -> Duration.ofNanos(r.nextInt(1_000_000)))
                .toList();
        Percentiles s = Percentiles.of(d);
        Duration last = Duration.ZERO;
        for (int p = 1; p <= 100; p++) {
            Duration v = s.percentile(p);
            assertTrue(v.compareTo(last) >= 0, "p" + p);
            assertTrue(d.contains(v), "a percentile is one of the values");
            last = v;
        }
        assertEquals(s.max(), s.percentile(100));
    }

    @Test
    void emptyHasNoPercentilesAndOutOfRangePIsRefused() {
        Percentiles empty = Percentiles.of(List.of());
        assertTrue(empty.isEmpty());
        assertThrows(IllegalStateException.class, () -> empty.percentile(50));
        assertThrows(IllegalStateException.class, empty::max);
        assertThrows(IllegalArgumentException.class, () -> millis(1).percentile(0));
        assertThrows(IllegalArgumentException.class, () -> millis(1).percentile(100.5));
        assertThrows(IllegalArgumentException.class, () -> millis(1).percentile(Double.NaN));
    }
}
