package dsrlb.logging;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A process that logs one line per level through dsrlb's logging setup (LinePrefixTest). */
public final class LogSample {
    private static final Logger log = LoggerFactory.getLogger(LogSample.class);

    private LogSample() {}

    public static void main(String[] args) {
        log.info("an info line");
        log.warn("VIP 192.0.2.20 claimed by 02:00:00:00:00:99");
        log.error("an error line");
    }
}
