package dsrlb.config;

import java.time.Duration;

/**
 * {@code add lb monitor <name> TFTP -file <path> [options]}: a health check that downloads a
 * file for real, over the backend's own address and over the DSR path (the VIP, addressed to
 * the backend's MAC).
 *
 * @param destPort the TFTP port; -1 means the service's port, or 69 for a service on {@code *}
 * @param blksize RFC 2348 block size to ask for; 0 asks for no options (plain RFC 1350)
 * @param expectSize expected file size in bytes, or -1
 * @param expectSha256 expected SHA-256 (lower-case hex), or null
 */
public record MonitorConfig(
        String name,
        String file,
        Duration interval,
        Duration responseTimeout,
        int retries,
        int successRetries,
        Duration downTime,
        int destPort,
        int blksize,
        long expectSize,
        String expectSha256,
        SourceLocation location) {
    /** NetScaler's defaults: -interval 5, -resptimeout 2, -retries 3, -successRetries 1, -downTime 30. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);

    public static final Duration DEFAULT_RESPONSE_TIMEOUT = Duration.ofSeconds(2);
    public static final int DEFAULT_RETRIES = 3;
    public static final int DEFAULT_SUCCESS_RETRIES = 1;
    public static final Duration DEFAULT_DOWN_TIME = Duration.ofSeconds(30);
    public static final int DEFAULT_PORT = 69;
}
