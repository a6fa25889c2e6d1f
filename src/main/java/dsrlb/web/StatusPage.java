package dsrlb.web;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dsrlb.status.Json;
import dsrlb.status.StatusSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The live status page on the metrics listener: {@code /} (HTML), {@code /app.js},
 * {@code /app.css}, {@code /status.json} and {@code /status.events} (the same document pushed
 * every second, {@link StatusEvents}), read-only. The page is static; its script takes the
 * pushed JSON (or polls {@code /status.json} where it cannot) and builds the DOM with text nodes
 * only, so the CSP below can forbid inline code and every name from the config stays text.
 */
public final class StatusPage implements HttpHandler, AutoCloseable {
    /** Nothing but this listener's own script, style and JSON; no frames, no forms, no plugins. */
    public static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self';"
            + " img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    /** A file from the jar, read once at start: serving it touches no disk. */
    private static final class Asset {
        final String contentType;
        final byte[] body;

        Asset(String contentType, byte[] body) {
            this.contentType = contentType;
            this.body = body;
        }
    }

    /** {@code /status.events} streams open at once at most (a 503 beyond). */
    public static final int MAX_STREAMS = StatusEvents.MAX_STREAMS;

    private final StatusSource status;
    private final Map<String, Asset> assets;
    private final StatusEvents events;
    private final AtomicLong jsonRequests = new AtomicLong();

    public StatusPage(StatusSource status) {
        this(status, 1000);
    }

    /** @param pushMillis between two events of a stream (tests: less than the page's second) */
    StatusPage(StatusSource status, long pushMillis) {
        this.status = status;
        this.events = new StatusEvents(this::document, pushMillis);
        this.assets = Map.of(
                "/", new Asset("text/html; charset=utf-8", resource("index.html")),
                "/app.js", new Asset("text/javascript; charset=utf-8", resource("app.js")),
                "/app.css", new Asset("text/css; charset=utf-8", resource("app.css")));
    }

    private static byte[] resource(String name) {
        try (InputStream in = StatusPage.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing from the jar: dsrlb/web/" + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        boolean streaming = false;
        try {
            streaming = respond(exchange);
        } finally {
            // A stream's exchange is StatusEvents' to close (its last chunk, when it ends).
            if (!streaming) {
                exchange.close();
            }
        }
    }

    /** @return true when the exchange became an event stream, left open */
    private boolean respond(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        Headers headers = exchange.getResponseHeaders();
        headers.set("Content-Security-Policy", CSP);
        headers.set("X-Content-Type-Options", "nosniff");
        headers.set("Referrer-Policy", "no-referrer");
        headers.set("Cache-Control", "no-store");
        if (!method.equals("GET") && !method.equals("HEAD")) {
            headers.set("Allow", "GET, HEAD");
            send(exchange, 405, "text/plain; charset=utf-8", bytes("GET or HEAD only\n"));
            return false;
        }
        String path = exchange.getRequestURI().getPath();
        boolean json = path.equals("/status.json");
        if (json || path.equals("/status.events")) {
            int listed = listed(exchange.getRequestURI().getRawQuery());
            if (listed < 0) {
                send(
                        exchange,
                        400,
                        "text/plain; charset=utf-8",
                        bytes(path.substring(1) + " takes no query but transfers=N (0 to " + MAX_LISTED
                                + "): the transfers listed in each list\n"));
                return false;
            }
            if (json) {
                jsonRequests.incrementAndGet();
                byte[] body;
                try {
                    body = document(listed);
                } catch (RuntimeException e) {
                    // A status read that failed (a generation being swapped) is the page's "stale", not a dead
                    // listener.
                    send(exchange, 503, "text/plain; charset=utf-8", bytes("status unavailable: " + e + "\n"));
                    return false;
                }
                send(exchange, 200, "application/json", body);
                return false;
            }
            if (method.equals("HEAD")) {
                send(exchange, 200, "text/event-stream; charset=utf-8", new byte[0]);
                return false;
            }
            if (events.open(exchange, listed)) {
                return true;
            }
            // EventSource does not retry a 503: the page polls /status.json instead.
            send(
                    exchange,
                    503,
                    "text/plain; charset=utf-8",
                    bytes(StatusEvents.MAX_STREAMS + " status streams are open already (or dsrlb is stopping):"
                            + " poll /status.json\n"));
            return false;
        }
        Asset asset = assets.get(path);
        if (asset == null) {
            send(exchange, 404, "text/plain; charset=utf-8", bytes("not found\n"));
            return false;
        }
        send(exchange, 200, asset.contentType, asset.body);
        return false;
    }

    private byte[] document(int listed) {
        return Json.writeBytes(StatusDocument.of(status).listing(listed));
    }

    /** {@code /status.json} requests answered since start (the page pushed to does not make any). */
    public long jsonRequests() {
        return jsonRequests.get();
    }

    /** {@code /status.events} streams open now. */
    public int openStreams() {
        return events.open();
    }

    /** {@code /status.events} streams refused since start: {@value StatusEvents#MAX_STREAMS} were open. */
    public long refusedStreams() {
        return events.refused();
    }

    /** Ends the open event streams (cleanly, before the listener closes their connections). */
    @Override
    public void close() {
        events.close();
    }

    /** More than any list holds (LiveStatus lists 100 in progress, TransferTracker keeps 50 finished). */
    static final int MAX_LISTED = 1000;

    private static final Pattern LISTED = Pattern.compile("transfers=([0-9]{1,4})");

    /**
     * {@code ?transfers=N}: at most N transfers in progress and N finished ones (the page asks for
     * the 15 it shows of each, not the 100 and 50 a script may want); none: all. -1: a query that
     * is not one.
     */
    static int listed(String query) {
        if (query == null) {
            return MAX_LISTED;
        }
        Matcher m = LISTED.matcher(query);
        if (!m.matches()) {
            return -1;
        }
        int n = Integer.parseInt(m.group(1));
        return n <= MAX_LISTED ? n : -1;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static void send(HttpExchange exchange, int code, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(code, head ? -1 : body.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }
}
