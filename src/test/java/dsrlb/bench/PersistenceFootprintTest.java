package dsrlb.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PersistenceFootprintTest {
    @Test
    void aHundredThousandClientsTakeABoundedFewMegabytes() {
        long bytes = PersistenceFootprint.measure(100_000);
        // Measured, not assumed: a Caffeine node + key + map entry is tens of bytes. Zero
        // would mean the measurement is broken; hundreds per entry would mean a leak.
        assertTrue(bytes > 100_000 * 16L, bytes + " bytes");
        assertTrue(bytes < 100_000 * 400L, bytes + " bytes");
    }
}
