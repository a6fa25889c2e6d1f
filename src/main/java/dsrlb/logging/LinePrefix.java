package dsrlb.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * What a log line starts with (logback.xml): the time and the level for a terminal or a file
 * ({@code 2026-11-28T00:12:03.123+0000 WARN }), a syslog priority for journald ({@code <4>}),
 * which reads it, drops it from the message and records the priority; the journal has its own
 * time stamp, so a second one would only be noise.
 */
public final class LinePrefix extends ClassicConverter {
    static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ").withZone(ZoneId.systemDefault());
    private static final boolean JOURNAL = JournalStream.isStderr();

    @Override
    public String convert(ILoggingEvent event) {
        return prefix(event.getLevel(), event.getInstant(), JOURNAL);
    }

    static String prefix(Level level, Instant time, boolean journal) {
        if (journal) {
            return "<" + syslogPriority(level) + ">";
        }
        return TIME.format(time) + " " + level + " ";
    }

    /** sd-daemon(3)'s levels: 3 error, 4 warning, 6 info, 7 debug. */
    static int syslogPriority(Level level) {
        if (level.isGreaterOrEqual(Level.ERROR)) {
            return 3;
        }
        if (level.isGreaterOrEqual(Level.WARN)) {
            return 4;
        }
        return level.isGreaterOrEqual(Level.INFO) ? 6 : 7;
    }
}
