package dsrlb.dataplane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class RealtimePriorityTest {
    /** The policy the kernel reports for a thread: field 41 (policy) of /proc/thread-self/stat. */
    private static int schedPolicyOfCurrentThread() throws Exception {
        String stat = Files.readString(Path.of("/proc/thread-self/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ", -1);
        return Integer.parseInt(f[41 - 3]);
    }

    private static boolean mayUseRealtime() throws Exception {
        for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (l.startsWith("CapEff:")) {
                return (Long.parseUnsignedLong(l.substring(7).strip(), 16) & (1L << 23)) != 0; // CAP_SYS_NICE
            }
        }
        return false;
    }

    @Test
    void theThreadRunsUnderSchedFifoWhenPermittedAndUnchangedOtherwise() throws Exception {
        AtomicBoolean applied = new AtomicBoolean();
        AtomicReference<Integer> policy = new AtomicReference<>();
        AtomicReference<Exception> failure = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                applied.set(RealtimePriority.applyToCurrentThread(5));
                policy.set(schedPolicyOfCurrentThread());
            } catch (Exception e) {
                failure.set(e);
            }
        });
        t.start();
        t.join();
        if (failure.get() != null) {
            throw failure.get();
        }
        boolean permitted = mayUseRealtime();
        assertEquals(permitted, applied.get());
        assertEquals(permitted ? 1 : 0, policy.get(), "SCHED_FIFO is 1, SCHED_OTHER 0");
        assertEquals(0, schedPolicyOfCurrentThread(), "only the calling thread changes");
    }

    @Test
    void longWorkRunsAtNormalPriorityAndTheThreadTakesItsPriorityBack() throws Exception {
        AtomicReference<Integer> during = new AtomicReference<>();
        AtomicReference<Integer> after = new AtomicReference<>();
        AtomicBoolean back = new AtomicBoolean();
        AtomicReference<Exception> failure = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                RealtimePriority.applyToCurrentThread(5);
                back.set(RealtimePriority.runNormally(5, () -> {
                    try {
                        during.set(schedPolicyOfCurrentThread());
                    } catch (Exception e) {
                        failure.set(e);
                    }
                }));
                after.set(schedPolicyOfCurrentThread());
            } catch (Exception e) {
                failure.set(e);
            }
        });
        t.start();
        t.join();
        if (failure.get() != null) {
            throw failure.get();
        }
        assertEquals(0, during.get(), "SCHED_OTHER while the long work runs");
        boolean permitted = mayUseRealtime();
        assertEquals(permitted, back.get());
        assertEquals(permitted ? 1 : 0, after.get(), "SCHED_FIFO again afterwards where permitted");
    }

    @Test
    void zeroMeansNormalScheduling() {
        assertFalse(RealtimePriority.applyToCurrentThread(0));
    }
}
