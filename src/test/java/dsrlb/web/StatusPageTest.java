package dsrlb.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dsrlb.metrics.MetricsExporter;
import dsrlb.status.GlobalReport;
import dsrlb.status.Json;
import dsrlb.status.NodeReport;
import dsrlb.status.PersistenceReport;
import dsrlb.status.ServiceReport;
import dsrlb.status.StatusSource;
import dsrlb.status.VserverReport;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The page's handlers on the metrics listener, over HTTP, with fixed status data. */
class StatusPageTest {
    /** Config names cannot hold markup, but file names come from clients' RRQs and reasons from backends. */
    static final String HOSTILE = "<script>window.pwned=1</script>\"q'&amp;";

    static final Instant T = Instant.ofEpochSecond(1_800_000_000);

    static final StatusSource FIXED = new StatusSource() {
        @Override
        public List<ServiceReport> services() {
            return List.of(new ServiceReport(
                    "tftp1",
                    "198.51.100.30",
                    "198.51.100.30",
                    "ANY",
                    -1,
                    "OUT OF SERVICE",
                    "disabled",
                    "02:00:00:00:00:30",
                    3,
                    2,
                    100,
                    6400,
                    List.of(new ServiceReport.Binding("tftp", 1)),
                    List.of(new ServiceReport.Monitor(
                            "tftp-pxe",
                            "DOWN",
                            HOSTILE,
                            new ServiceReport.Probe(false, HOSTILE, Duration.ofMillis(12))))));
        }

        @Override
        public List<VserverReport> vservers() {
            return List.of(new VserverReport(
                    "tftp",
                    "ANY",
                    "198.51.100.20",
                    -1,
                    "ROUNDROBIN",
                    "SOURCEIP",
                    100,
                    1_000_000,
                    "DOWN",
                    7,
                    90,
                    1,
                    3,
                    0,
                    List.of(new VserverReport.Bound("tftp1", "198.51.100.30", "ANY", -1, 1, "OUT OF SERVICE"))));
        }

        @Override
        public GlobalReport global() {
            GlobalReport.Transfer t = new GlobalReport.Transfer(
                    "192.0.2.32", "tftp1", HOSTILE, T.minusSeconds(2), Duration.ofMillis(1500));
            return new GlobalReport(
                    T,
                    200,
                    190,
                    0,
                    4,
                    1,
                    new GlobalReport.VipArpConflict("198.51.100.20", "02:00:00:00:00:99", T),
                    Map.of("no_service_up", 10L),
                    null,
                    new GlobalReport.Transfers(5, 3, 0, List.of(), List.of(), List.of(t), List.of(t)),
                    "pcap",
                    7);
        }

        @Override
        public NodeReport node() {
            return new NodeReport("1.2.3", "pcap", NodeReport.ACTIVE, 2, new NodeReport.ConfigLoad(true, T, "loaded"));
        }

        @Override
        public PersistenceReport persistence(String client, int limit) {
            return new PersistenceReport(client, 0, false, List.of());
        }
    };

    MetricsExporter exporter;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        exporter = new MetricsExporter(FIXED).start(InetAddress.getLoopbackAddress(), 0);
    }

    @AfterEach
    void stop() {
        exporter.close();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return request(path, "GET");
    }

    private HttpResponse<String> request(String path, String method) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + exporter.port() + path))
                        .method(method, HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String header(HttpResponse<?> r, String name) {
        return r.headers().firstValue(name).orElse(null);
    }

    private static void assertHardened(HttpResponse<?> r) {
        assertEquals(
                StatusPage.CSP, header(r, "Content-Security-Policy"), r.uri().toString());
        assertTrue(StatusPage.CSP.startsWith("default-src 'none'; script-src 'self'; style-src 'self';"));
        assertEquals("nosniff", header(r, "X-Content-Type-Options"), r.uri().toString());
    }

    @Test
    void thePageItsScriptAndStyleAreServedWithTheirTypesAndTheCsp() throws Exception {
        Map<String, String> types = Map.of(
                "/", "text/html; charset=utf-8",
                "/app.js", "text/javascript; charset=utf-8",
                "/app.css", "text/css; charset=utf-8");
        for (Map.Entry<String, String> e : types.entrySet()) {
            HttpResponse<String> r = get(e.getKey());
            assertEquals(200, r.statusCode(), e.getKey());
            assertEquals(e.getValue(), header(r, "Content-Type"), e.getKey());
            assertHardened(r);
            assertFalse(r.body().isEmpty(), e.getKey());
        }
    }

    @Test
    void thePageHasNoInlineCodeAndNoExternalResource() throws Exception {
        String html = get("/").body();
        assertTrue(html.contains("<script src=\"app.js\" defer></script>"), html);
        assertFalse(html.matches("(?s).*<script>.*"), "inline script");
        assertFalse(html.contains("<style"), "inline style");
        assertFalse(html.contains("style="), "style attribute");
        assertFalse(html.matches("(?s).*(src|href)=\"(https?:)?//.*"), "external resource");
        String js = get("/app.js").body();
        assertFalse(js.contains("innerHTML"), "the script builds the DOM with text nodes only");
        assertFalse(js.contains("outerHTML") || js.contains("insertAdjacentHTML") || js.contains("document.write"));
    }

    @Test
    void unknownPathsAre404AndWritesAre405() throws Exception {
        for (String path : List.of("/index.html", "/app.js/", "/status", "/../etc/passwd", "/favicon.ico")) {
            HttpResponse<String> r = get(path);
            assertEquals(404, r.statusCode(), path);
            assertHardened(r);
        }
        HttpResponse<String> post = request("/status.json", "POST");
        assertEquals(405, post.statusCode());
        assertEquals("GET, HEAD", header(post, "Allow"));
        HttpResponse<String> head = request("/", "HEAD");
        assertEquals(200, head.statusCode());
        assertEquals("", head.body());
    }

    @Test
    void metricsAreStillServedBesideThePage() throws Exception {
        HttpResponse<String> r = get("/metrics");
        assertEquals(200, r.statusCode());
        assertTrue(r.body().contains("dsrlb_service_forwarded_packets_total{service=\"tftp1\"} 100"), r.body());
    }

    @Test
    void theJsonIsTheStatusModelsRecordsAndKeepsHostileTextAsText() throws Exception {
        HttpResponse<String> r = get("/status.json");
        assertEquals(200, r.statusCode());
        assertEquals("application/json", header(r, "Content-Type"));
        assertHardened(r);
        JsonNode doc = Json.parseObject(r.body());
        assertEquals(Json.write(StatusDocument.of(FIXED)), r.body(), "the same records as the control socket's");
        assertEquals(Json.read(doc, "global", GlobalReport.class), FIXED.global());
        assertEquals("OUT OF SERVICE", doc.get("services").get(0).get("state").asText());
        assertEquals(
                HOSTILE,
                doc.get("services").get(0).get("monitors").get(0).get("reason").asText());
        JsonNode transfers = doc.get("global").get("transfers");
        assertEquals(HOSTILE, transfers.get("inProgress").get(0).get("file").asText());
        assertEquals(1.5, transfers.get("recent").get(0).get("seconds").asDouble());
        assertEquals(2, doc.get("node").get("configGeneration").asLong());
        assertEquals("active", doc.get("node").get("haRole").asText());
        assertEquals(
                "02:00:00:00:00:99",
                doc.get("global").get("lastVipArpConflict").get("mac").asText());
        assertEquals(1, doc.get("vservers").size());
        assertEquals("*", doc.get("vservers").get(0).get("port").asText());
    }

    @Test
    void transfersNListsAtMostNTransfersAndKeepsTheCounts() throws Exception {
        JsonNode all = Json.parseObject(get("/status.json?transfers=1").body())
                .get("global")
                .get("transfers");
        assertEquals(1, all.get("inProgress").size());
        assertEquals(1, all.get("recent").size());
        HttpResponse<String> r = get("/status.json?transfers=0");
        assertEquals(200, r.statusCode());
        assertHardened(r);
        assertEquals(Json.write(StatusDocument.of(FIXED).listing(0)), r.body());
        JsonNode none = Json.parseObject(r.body()).get("global").get("transfers");
        assertEquals(0, none.get("inProgress").size());
        assertEquals(0, none.get("recent").size());
        assertEquals(5, none.get("started").asLong(), "the counts stay");
        assertEquals(3, none.get("finished").asLong());
        assertEquals(
                Json.parseObject(get("/status.json").body()).get("services"),
                Json.parseObject(r.body()).get("services"),
                "the rest as without the query");
        for (String bad :
                List.of("transfers=", "transfers=-1", "transfers=1001", "transfers=1&x=2", "x=1", "transfers=%31")) {
            HttpResponse<String> refused = get("/status.json?" + bad);
            assertEquals(400, refused.statusCode(), bad);
            assertTrue(refused.body().contains("transfers=N"), refused.body());
            assertHardened(refused);
        }
    }

    private HttpResponse<InputStream> stream(String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + exporter.port() + path))
                        .version(HttpClient.Version.HTTP_1_1)
                        .build(),
                HttpResponse.BodyHandlers.ofInputStream());
    }

    /** The next event's lines (up to its blank line); null at the end of the stream. */
    private static List<String> event(BufferedReader in) throws IOException {
        List<String> lines = new ArrayList<>();
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            if (line.isEmpty()) {
                return lines;
            }
            lines.add(line);
        }
        return lines.isEmpty() ? null : lines;
    }

    private static BufferedReader reader(HttpResponse<InputStream> r) {
        return new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8));
    }

    private double metric(String sample) throws Exception {
        for (String line : get("/metrics").body().lines().toList()) {
            if (line.startsWith(sample + " ")) {
                return Double.parseDouble(line.substring(sample.length() + 1));
            }
        }
        throw new AssertionError("no " + sample + " in /metrics");
    }

    @Test
    void theEventStreamPushesTheJsonDocumentAtOnceAndThenEverySecond() throws Exception {
        double jsonBefore = metric("dsrlb_status_json_requests_total");
        HttpResponse<InputStream> r = stream("/status.events?transfers=0");
        assertEquals(200, r.statusCode());
        assertEquals("text/event-stream; charset=utf-8", header(r, "Content-Type"));
        assertEquals("no-store", header(r, "Cache-Control"));
        assertHardened(r);
        try (BufferedReader in = reader(r)) {
            long opened = System.nanoTime();
            List<String> first = event(in);
            double firstTook = (System.nanoTime() - opened) / 1e9;
            assertTrue(firstTook < 0.5, "the first event comes at once, not after a period: " + firstTook + " s");
            // One data line: the same bytes as /status.json?transfers=0 (the mapper writes no newline).
            assertEquals(List.of("data: " + Json.write(StatusDocument.of(FIXED).listing(0))), first);
            assertEquals(1.0, metric("dsrlb_status_streams"));
            List<String> second = event(in);
            double secondAt = (System.nanoTime() - opened) / 1e9;
            assertEquals(first, second, "fixed data: the same document again");
            assertTrue(secondAt > 0.5 && secondAt < 2.5, "the next one a period later: " + secondAt + " s");
        }
        assertEquals(jsonBefore, metric("dsrlb_status_json_requests_total"), "a stream makes no /status.json request");
        get("/status.json");
        assertEquals(jsonBefore + 1, metric("dsrlb_status_json_requests_total"), "which are counted");
    }

    @Test
    void theEventStreamTakesTheSameQueryAndHeadSendsNoBody() throws Exception {
        HttpResponse<String> bad = get("/status.events?transfers=x");
        assertEquals(400, bad.statusCode());
        assertTrue(bad.body().startsWith("status.events takes no query but transfers=N"), bad.body());
        HttpResponse<String> head = request("/status.events", "HEAD");
        assertEquals(200, head.statusCode());
        assertEquals("text/event-stream; charset=utf-8", header(head, "Content-Type"));
        assertEquals("", head.body());
        assertEquals(405, request("/status.events", "POST").statusCode());
        try (BufferedReader in = reader(stream("/status.events"))) {
            String data = event(in).get(0);
            assertEquals("data: " + Json.write(StatusDocument.of(FIXED)), data, "no query: every transfer listed");
        }
    }

    @Test
    void aNinthStreamIs503AndASlotFreesWhenItsClientGoes() throws Exception {
        List<HttpResponse<InputStream>> open = new ArrayList<>();
        try {
            for (int i = 0; i < StatusPage.MAX_STREAMS; i++) {
                HttpResponse<InputStream> r = stream("/status.events");
                assertEquals(200, r.statusCode(), "stream " + (i + 1));
                open.add(r);
            }
            HttpResponse<String> refused = get("/status.events");
            assertEquals(503, refused.statusCode());
            assertTrue(refused.body().contains("poll /status.json"), refused.body());
            assertHardened(refused);
            assertEquals(StatusPage.MAX_STREAMS, metric("dsrlb_status_streams"));
            assertEquals(1.0, metric("dsrlb_status_streams_refused_total"));
            assertEquals(200, get("/status.json").statusCode(), "the JSON is still served");
            assertEquals(200, get("/metrics").statusCode(), "and the metrics");

            // A client that goes: dsrlb finds it at its next writes and frees its slot.
            open.remove(0).body().close();
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (metric("dsrlb_status_streams") >= StatusPage.MAX_STREAMS && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertEquals(StatusPage.MAX_STREAMS - 1, metric("dsrlb_status_streams"), "the slot freed");
            HttpResponse<InputStream> again = stream("/status.events");
            assertEquals(200, again.statusCode());
            open.add(again);
        } finally {
            for (HttpResponse<InputStream> r : open) {
                r.body().close();
            }
        }
    }

    @Test
    void theStreamEndsCleanlyWhenTheServerStops() throws Exception {
        HttpResponse<InputStream> r = stream("/status.events");
        try (BufferedReader in = reader(r)) {
            assertTrue(event(in).get(0).startsWith("data: {"));
            exporter.close();
            // The chunked response's last chunk: an end of stream, not a reset or a hang.
            assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
                List<String> rest;
                while ((rest = event(in)) != null) {
                    assertTrue(rest.get(0).startsWith("data: {"), rest.toString());
                }
            });
        }
    }
}
