package dsrlb.bench;

import com.github.benmanes.caffeine.cache.Ticker;
import dsrlb.balance.Persistence;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;

/** Heap that a persistence table of N clients takes, measured after full collections. */
public final class PersistenceFootprint {
    private PersistenceFootprint() {}

    /** Bytes of heap retained by a table holding {@code entries} clients. */
    public static long measure(int entries) {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long before = usedAfterGc(memory);
        Persistence table = new Persistence(Duration.ofMinutes(100), entries, Ticker.systemTicker(), 2);
        int base = 0xc0000200; // 192.0.2.0 upwards: distinct client addresses
        for (int i = 0; i < entries; i++) {
            table.remember(base + i, i & 1);
        }
        long after = usedAfterGc(memory);
        if (table.size() != entries) {
            throw new IllegalStateException("table holds " + table.size() + " of " + entries);
        }
        return after - before;
    }

    private static long usedAfterGc(MemoryMXBean memory) {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return memory.getHeapMemoryUsage().getUsed();
    }
}
