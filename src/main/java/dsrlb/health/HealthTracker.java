package dsrlb.health;

import dsrlb.balance.ServiceStatus;

/**
 * NetScaler's monitor arithmetic for one service and one monitor: DOWN after {@code retries}
 * consecutive failures, UP after {@code successRetries} consecutive successes. A service
 * starts DOWN until its monitor has vouched for it, so no client is sent to an unchecked
 * backend.
 */
public final class HealthTracker {
    private final int retries;
    private final int successRetries;
    private ServiceStatus status = ServiceStatus.DOWN;
    private String reason = "not probed yet";
    private int consecutiveFailures;
    private int consecutiveSuccesses;
    private ProbeResult last;

    public HealthTracker(int retries, int successRetries) {
        if (retries < 1 || successRetries < 1) {
            throw new IllegalArgumentException("retries and successRetries must be >= 1");
        }
        this.retries = retries;
        this.successRetries = successRetries;
    }

    /** Counts a probe; returns true when the status changed. */
    public synchronized boolean record(ProbeResult result) {
        last = result;
        if (result.ok()) {
            consecutiveFailures = 0;
            consecutiveSuccesses++;
            if (status != ServiceStatus.UP && consecutiveSuccesses >= successRetries) {
                status = ServiceStatus.UP;
                reason = result.reason();
                return true;
            }
        } else {
            consecutiveSuccesses = 0;
            consecutiveFailures++;
            if (status == ServiceStatus.UP && consecutiveFailures >= retries) {
                status = ServiceStatus.DOWN;
                reason = result.reason() + " (" + consecutiveFailures + " probes in a row)";
                return true;
            }
            if (status == ServiceStatus.DOWN) {
                // Keep the reason current while DOWN: the operator wants the latest failure.
                reason = result.reason();
            }
        }
        return false;
    }

    public synchronized ServiceStatus status() {
        return status;
    }

    public synchronized String reason() {
        return reason;
    }

    /** The most recent probe, or null. */
    public synchronized ProbeResult last() {
        return last;
    }
}
