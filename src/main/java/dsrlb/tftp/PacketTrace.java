package dsrlb.tftp;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The packets and timeouts of one download, bounded: the first few events (the request and how
 * the server took it) and the last few (what happened just before a failure), with a count of
 * those left out between. Times are formatted only when the lines are asked for, relative to
 * the time the RRQ went out.
 */
final class PacketTrace {
    static final int HEAD = 3;
    static final int TAIL = 8;

    private record Event(long nanos, String text) {}

    private final List<Event> head = new ArrayList<>(HEAD);
    private final ArrayDeque<Event> tail = new ArrayDeque<>(TAIL);
    private long omitted;

    void add(long nowNanos, String text) {
        Event e = new Event(nowNanos, text);
        if (head.size() < HEAD) {
            head.add(e);
            return;
        }
        if (tail.size() == TAIL) {
            tail.removeFirst();
            omitted++;
        }
        tail.addLast(e);
    }

    List<String> lines(long startNanos) {
        List<String> l = new ArrayList<>(head.size() + 1 + tail.size());
        head.forEach(e -> l.add(format(e, startNanos)));
        if (omitted > 0) {
            l.add("... " + omitted + " more events");
        }
        tail.forEach(e -> l.add(format(e, startNanos)));
        return List.copyOf(l);
    }

    private static String format(Event e, long startNanos) {
        return String.format(Locale.ROOT, "+%.3fs %s", (e.nanos - startNanos) / 1e9, e.text);
    }
}
