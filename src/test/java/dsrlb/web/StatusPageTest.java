package dsrlb.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
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
}
