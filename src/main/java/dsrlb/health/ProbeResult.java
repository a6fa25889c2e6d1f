package dsrlb.health;

import java.time.Duration;

/**
 * One probe's verdict.
 *
 * @param reason for a failure, what failed ("DSR path: answered from its real address …");
 *     for a success, a short summary
 */
public record ProbeResult(boolean ok, String reason, Duration responseTime) {
    public static ProbeResult success(String summary, Duration responseTime) {
        return new ProbeResult(true, summary, responseTime);
    }

    public static ProbeResult failure(String reason, Duration responseTime) {
        return new ProbeResult(false, reason, responseTime);
    }
}
