package dsrlb.offload;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the offload writer counts, written by its thread and read by status and metrics; and
 * its error log, rate-limited because a failing kernel fails the same way on every pass.
 */
final class OffloadCounters {
    // The writer's lines keep the name operators know from before it was split up.
    private static final Logger log = LoggerFactory.getLogger(OffloadProgrammer.class);
    private static final long ERROR_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    final AtomicLong installs = new AtomicLong();
    final AtomicLong removals = new AtomicLong();
    final AtomicLong failures = new AtomicLong();
    final AtomicLong kernelEntries = new AtomicLong();
    final AtomicLong offloadedPackets = new AtomicLong();
    final AtomicLong offloadedBytes = new AtomicLong();
    final AtomicLong tableRestores = new AtomicLong();
    final AtomicLong mapFull = new AtomicLong();
    private final AtomicLong landedBatches = new AtomicLong();
    private final AtomicLong landedNanosTotal = new AtomicLong();
    private final AtomicLong landedNanosMax = new AtomicLong();

    /** What earlier copies of the table counted: a table made again starts its counters at zero. */
    private long packetsBefore;

    private long bytesBefore;
    private long lastErrorLog;

    /** The table goes away (or is made again): the counts so far stay in the totals. */
    void keepCounts() {
        packetsBefore = offloadedPackets.get();
        bytesBefore = offloadedBytes.get();
    }

    /** The kernel's counters of the current table, as last read. */
    void kernelCounted(long packets, long bytes) {
        offloadedPackets.set(packetsBefore + packets);
        offloadedBytes.set(bytesBefore + bytes);
    }

    void landed(long waitedNanos) {
        landedBatches.incrementAndGet();
        landedNanosTotal.addAndGet(waitedNanos);
        landedNanosMax.accumulateAndGet(waitedNanos, Math::max);
    }

    /** Returns {batches, mean, max} of the nanoseconds a batch's oldest decision waited. */
    long[] landing() {
        long n = landedBatches.get();
        return new long[] {n, n == 0 ? 0 : landedNanosTotal.get() / n, landedNanosMax.get()};
    }

    void failed(String message) {
        failures.incrementAndGet();
        logError(message);
    }

    void logError(String message) {
        long now = System.nanoTime();
        if (now - lastErrorLog >= ERROR_LOG_INTERVAL_NANOS || lastErrorLog == 0) {
            lastErrorLog = now;
            log.warn("{}", message);
        }
    }
}
