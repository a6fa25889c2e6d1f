package dsrlb.dataplane;

import static dsrlb.testing.Scheduling.SCHED_FIFO;
import static dsrlb.testing.Scheduling.SCHED_OTHER;
import static dsrlb.testing.Scheduling.mayUseRealtime;
import static dsrlb.testing.Scheduling.onOwnThread;
import static dsrlb.testing.Scheduling.policyOfCurrentThread;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class RealtimePriorityTest {
    @Test
    void theThreadRunsUnderSchedFifoWhenPermittedAndUnchangedOtherwise() throws Exception {
        List<Object> seen =
                onOwnThread(() -> List.of(RealtimePriority.applyToCurrentThread(5), policyOfCurrentThread()));
        boolean permitted = mayUseRealtime();
        assertEquals(permitted, seen.get(0));
        assertEquals(permitted ? SCHED_FIFO : SCHED_OTHER, seen.get(1));
        assertEquals(SCHED_OTHER, policyOfCurrentThread(), "only the calling thread changes");
    }

    @Test
    void longWorkRunsAtNormalPriorityAndTheThreadTakesItsPriorityBack() throws Exception {
        AtomicReference<Integer> during = new AtomicReference<>();
        List<Object> seen = onOwnThread(() -> {
            RealtimePriority.applyToCurrentThread(5);
            boolean back = RealtimePriority.runNormally(5, () -> {
                try {
                    during.set(policyOfCurrentThread());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            return List.of(back, policyOfCurrentThread());
        });
        assertEquals(SCHED_OTHER, during.get(), "SCHED_OTHER while the long work runs");
        boolean permitted = mayUseRealtime();
        assertEquals(permitted, seen.get(0));
        assertEquals(permitted ? SCHED_FIFO : SCHED_OTHER, seen.get(1), "SCHED_FIFO again afterwards where permitted");
    }

    @Test
    void zeroMeansNormalScheduling() {
        assertFalse(RealtimePriority.applyToCurrentThread(0));
    }
}
