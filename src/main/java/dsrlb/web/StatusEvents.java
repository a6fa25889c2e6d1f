package dsrlb.web;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

/**
 * {@code /status.events}: the status document pushed about once a second over one long-lived
 * response (Server-Sent Events, a chunked {@code text/event-stream}), so an open page costs its
 * browser no request per second (a fetch, its round trip through the browser's network service,
 * headers) and dsrlb none either.
 *
 * <p>One writer for all streams: a single scheduled thread, {@value #TICKER_NAME}, wakes once a
 * second while a stream is open (never otherwise), serializes the document once per tick (once
 * per distinct {@code transfers=N}) and hands each stream its event to write on the listener's
 * request pool. Rather than a thread per stream looping in its handler, because: one wake-up and
 * one document a second however many pages are open, and no pool thread held by an open stream
 * between events. The write itself is on the pool, not the ticker, because a socket write
 * blocks once a client stops reading (its send buffer full): such a stream holds one pool thread
 * until its client reads or goes, the other streams still get their events; a stream whose last
 * event is still being written is skipped (each event is a whole document, so it misses nothing
 * but that second). None of this is on the packet path: the document is the one
 * {@code /status.json} serves, read from the same status model.
 *
 * <p>At most {@value #MAX_STREAMS} streams at once (a 503 beyond: the page then polls
 * {@code /status.json}). A stream ends when a write fails (its client went: found within a
 * second) or when dsrlb stops ({@link #close()} ends every stream with the chunked response's
 * last chunk, a clean end of stream for the client).
 */
final class StatusEvents implements AutoCloseable {
    static final int MAX_STREAMS = 8;

    /** Within the 15 characters Linux keeps, and dsrlb-http-*: lab/bench counts it with the request threads. */
    static final String TICKER_NAME = "dsrlb-http-push";

    /** How long close() waits for the streams to end before the listener closes their connections. */
    static final long CLOSE_WAIT_MILLIS = 1000;

    private final IntFunction<byte[]> document;
    private final long periodNanos;
    private final List<Stream> streams = new ArrayList<>(); // guarded by this
    private final AtomicLong refused = new AtomicLong();
    private ScheduledThreadPoolExecutor ticker; // guarded by this; made for the first stream
    private ScheduledFuture<?> ticking; // guarded by this; while a stream is open
    private boolean closed; // guarded by this

    /**
     * @param document the status document's JSON with at most N transfers listed (one line: the
     *     mapper indents nothing); a RuntimeException is a status read that failed
     * @param periodMillis between events (the page's second; tests may ask for less)
     */
    StatusEvents(IntFunction<byte[]> document, long periodMillis) {
        this.document = document;
        this.periodNanos = TimeUnit.MILLISECONDS.toNanos(periodMillis);
    }

    /** One open response. */
    private final class Stream {
        final HttpExchange exchange;
        final OutputStream out;
        final int listed;
        final Executor executor;
        /** Held while an event is written, and by the one who ends the stream: never two writers. */
        final AtomicBoolean busy = new AtomicBoolean(true);
        /** Set by close() while an event was being written: its writer ends the stream. */
        volatile boolean ending;

        /** None yet: as if one was sent a period ago, so the first tick may send. */
        volatile long lastSentNanos = System.nanoTime() - periodNanos;

        Stream(HttpExchange exchange, int listed) {
            this.exchange = exchange;
            this.out = exchange.getResponseBody();
            this.listed = listed;
            Executor pool = exchange.getHttpContext().getServer().getExecutor();
            // The JDK's default (no executor set) runs handlers on its dispatcher: write on the ticker.
            this.executor = pool != null ? pool : Runnable::run;
        }

        /** Writes one event; the caller holds busy. */
        void send(byte[] event) {
            boolean gone = false;
            try {
                out.write(event);
                out.flush();
                lastSentNanos = System.nanoTime();
            } catch (IOException | RuntimeException e) {
                // The client went (a reset, a broken pipe): nothing to tell anyone, the slot is free again.
                gone = true;
            }
            if (gone || ending) {
                end();
            } else {
                busy.set(false);
                if (ending && busy.compareAndSet(false, true)) {
                    end();
                }
            }
        }

        /** Ends the response (the last chunk, when the connection still takes it); the caller holds busy. */
        void end() {
            // close() writes the chunked body's last chunk; on a dead connection it closes that.
            // Then forgotten: StatusEvents.close() waits for the last chunks to be written.
            exchange.close();
            forget(this);
        }
    }

    /**
     * Takes the exchange as a stream: sends its headers and the first event at once. The caller
     * has set the other headers and closes nothing after this returned true.
     *
     * @return false when refused ({@value #MAX_STREAMS} open, or closing): the caller answers 503
     */
    boolean open(HttpExchange exchange, int listed) throws IOException {
        Stream s;
        synchronized (this) {
            if (closed || streams.size() >= MAX_STREAMS) {
                refused.incrementAndGet();
                return false;
            }
            s = new Stream(exchange, listed);
            streams.add(s);
            if (ticker == null) {
                ticker = new ScheduledThreadPoolExecutor(1, r -> {
                    Thread t = new Thread(r, TICKER_NAME);
                    t.setDaemon(true);
                    return t;
                });
                ticker.setRemoveOnCancelPolicy(true);
            }
            if (ticking == null) {
                ticking = ticker.scheduleAtFixedRate(this::tick, periodNanos, periodNanos, TimeUnit.NANOSECONDS);
            }
        }
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        try {
            // 0: chunked, open until one side ends it.
            exchange.sendResponseHeaders(200, 0);
        } catch (IOException | RuntimeException e) {
            s.end();
            throw e;
        }
        // The first event now, on this request thread: the page shows numbers as soon as it connects.
        s.send(event(listed));
        return true;
    }

    /** Open streams now. */
    synchronized int open() {
        return streams.size();
    }

    /** Streams refused: {@value #MAX_STREAMS} were open, or dsrlb was stopping. */
    long refused() {
        return refused.get();
    }

    private void forget(Stream s) {
        synchronized (this) {
            streams.remove(s);
            if (streams.isEmpty()) {
                if (ticking != null) {
                    ticking.cancel(false);
                    ticking = null;
                }
                // close() waits for the last one.
                notifyAll();
            }
        }
    }

    private void tick() {
        List<Stream> now;
        synchronized (this) {
            now = List.copyOf(streams);
        }
        long at = System.nanoTime();
        Map<Integer, byte[]> built = new HashMap<>(4);
        for (Stream s : now) {
            // A stream opened within half a period had its first event then: a rate over a few
            // milliseconds would be noise; it gets the next tick's.
            if (at - s.lastSentNanos < periodNanos / 2 || !s.busy.compareAndSet(false, true)) {
                continue;
            }
            byte[] event = built.computeIfAbsent(s.listed, this::event);
            try {
                s.executor.execute(() -> s.send(event));
            } catch (RuntimeException e) {
                // The pool is shut down (dsrlb stopping): close() ends the streams.
                s.busy.set(false);
            }
        }
    }

    /** One event: the document on one data line; a status read that failed is a "stale" event. */
    private byte[] event(int listed) {
        byte[] json;
        try {
            json = document.apply(listed);
        } catch (RuntimeException e) {
            // As /status.json answers 503: the page shows "stale" with the reason, on one line.
            String why = ("status unavailable: " + e).replaceAll("[\\r\\n]+", " ");
            return ("event: stale\ndata: " + why + "\n\n").getBytes(StandardCharsets.UTF_8);
        }
        byte[] head = "data: ".getBytes(StandardCharsets.US_ASCII);
        byte[] event = new byte[head.length + json.length + 2];
        System.arraycopy(head, 0, event, 0, head.length);
        System.arraycopy(json, 0, event, head.length, json.length);
        event[event.length - 2] = '\n';
        event[event.length - 1] = '\n';
        return event;
    }

    /**
     * Ends every stream with its last chunk and refuses new ones; returns once they ended, or
     * after {@value #CLOSE_WAIT_MILLIS} ms (a client that stopped reading: the listener's stop
     * then closes its connection, which ends the write it is stuck in).
     */
    @Override
    public void close() {
        List<Stream> all;
        synchronized (this) {
            closed = true;
            all = List.copyOf(streams);
            if (ticking != null) {
                ticking.cancel(false);
                ticking = null;
            }
            if (ticker != null) {
                ticker.shutdown();
            }
        }
        for (Stream s : all) {
            s.ending = true;
            // One being written to is ended by its writer (ending); the others on the pool, not here:
            // even the last chunk's few bytes wait on a client that stopped reading.
            if (s.busy.compareAndSet(false, true)) {
                try {
                    s.executor.execute(s::end);
                } catch (RuntimeException e) {
                    s.end();
                }
            }
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSE_WAIT_MILLIS);
        synchronized (this) {
            long left;
            while (!streams.isEmpty() && (left = deadline - System.nanoTime()) > 0) {
                try {
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
