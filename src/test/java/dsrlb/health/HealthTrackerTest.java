package dsrlb.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dsrlb.balance.ServiceStatus;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class HealthTrackerTest {
    static final ProbeResult OK = ProbeResult.success("262144 bytes in 0.1 s", Duration.ofMillis(100));
    static final ProbeResult TIMEOUT = ProbeResult.failure("timeout waiting for block 1", Duration.ofSeconds(1));

    @Test
    void startsDownAndNeedsSuccessRetriesToComeUp() {
        HealthTracker t = new HealthTracker(3, 2);
        assertEquals(ServiceStatus.DOWN, t.status());
        assertFalse(t.record(OK));
        assertEquals(ServiceStatus.DOWN, t.status());
        assertTrue(t.record(OK));
        assertEquals(ServiceStatus.UP, t.status());
    }

    @Test
    void goesDownAfterRetriesConsecutiveFailuresOnly() {
        HealthTracker t = new HealthTracker(3, 1);
        t.record(OK);
        assertFalse(t.record(TIMEOUT));
        assertFalse(t.record(TIMEOUT));
        assertFalse(t.record(OK), "a success in between resets the count");
        assertFalse(t.record(TIMEOUT));
        assertFalse(t.record(TIMEOUT));
        assertTrue(t.record(TIMEOUT));
        assertEquals(ServiceStatus.DOWN, t.status());
        assertEquals("timeout waiting for block 1 (3 probes in a row)", t.reason());
    }

    @Test
    void whileDownTheReasonIsTheLatestFailure() {
        HealthTracker t = new HealthTracker(1, 1);
        t.record(TIMEOUT);
        t.record(ProbeResult.failure("TFTP error 1 (File not found)", Duration.ZERO));
        assertEquals("TFTP error 1 (File not found)", t.reason());
    }
}
