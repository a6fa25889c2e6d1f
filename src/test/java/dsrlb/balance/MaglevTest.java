package dsrlb.balance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class MaglevTest {
    @Test
    void everySlotIsFilledAndSharesAreEven() {
        int[] t = Maglev.build(List.of("tftp1", "tftp2", "tftp3"), new int[] {1, 1, 1}, 65_537);
        int[] count = new int[3];
        for (int s : t) {
            count[s]++;
        }
        for (int c : count) {
            assertTrue(Math.abs(c - 65_537 / 3) <= 2, java.util.Arrays.toString(count));
        }
    }

    @Test
    void weightsShapeTheShares() {
        int[] t = Maglev.build(List.of("a", "b"), new int[] {3, 1}, 4099);
        int a = 0;
        for (int s : t) {
            a += s == 0 ? 1 : 0;
        }
        assertEquals(0.75, a / 4099.0, 0.01);
    }

    @Test
    void theTableDependsOnlyOnNamesAndWeights() {
        int[] t1 = Maglev.build(List.of("x", "y"), new int[] {1, 1}, 251);
        int[] t2 = Maglev.build(List.of("x", "y"), new int[] {1, 1}, 251);
        assertArrayEquals(t1, t2);
    }

    @Test
    void aFixedClientHashesToAFixedSlot() {
        // Pinned: a change of the mix would move every client of every deployed dsrlb.
        // 192.0.2.10 → SplitMix64 finalizer → mod 65537, computed independently.
        assertEquals(44_042, Maglev.slot(0xc000020a, 65_537));
    }

    @Test
    void theTableSizeIsAPrimeOfAtLeastAHundredSlotsPerBackend() {
        assertEquals(65_537, Maglev.tableSizeFor(10, Maglev.DEFAULT_TABLE_SIZE));
        assertTrue(Maglev.isPrime(Maglev.DEFAULT_TABLE_SIZE));
        for (int n : new int[] {1, 2, 7, 655, 656, 1000, 5000}) {
            int size = Maglev.tableSizeFor(n, Maglev.DEFAULT_TABLE_SIZE);
            assertTrue(Maglev.isPrime(size), n + " → " + size);
            assertTrue(size >= 100 * n && size >= Maglev.DEFAULT_TABLE_SIZE, n + " → " + size);
        }
        assertEquals(65_609, Maglev.tableSizeFor(656, Maglev.DEFAULT_TABLE_SIZE)); // 65 600 → next prime
        assertEquals(257, Maglev.tableSizeFor(2, 257));
    }
}
