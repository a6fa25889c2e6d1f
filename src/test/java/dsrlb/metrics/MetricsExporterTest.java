package dsrlb.metrics;

import static dsrlb.testing.FrameBuilder.frame;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dsrlb.balance.LoadBalancer;
import dsrlb.balance.TestConfigs;
import dsrlb.dataplane.Forwarder;
import dsrlb.net.Ipv4;
import dsrlb.net.MacAddress;
import dsrlb.status.EngineStatus;
import dsrlb.status.GlobalReport;
import dsrlb.status.LiveStatus;
import dsrlb.status.NodeReport;
import dsrlb.status.StatusSource;
import dsrlb.testing.FakeTicker;
import dsrlb.testing.MemoryPacketIo;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The exporter over a real load balancer and forwarder fed with frames, scraped over HTTP. */
class MetricsExporterTest {
    static final NodeReport NODE = new NodeReport(
            "1.2.3",
            "offload",
            NodeReport.ACTIVE,
            2,
            new NodeReport.ConfigLoad(false, Instant.ofEpochSecond(1_800_000_000), "tftp9 is not defined"),
            new NodeReport.Announce("dsrlb-up", true));

    static final MacAddress LB = MacAddress.parse("02:00:00:00:00:10");
    static final MacAddress ROUTER = MacAddress.parse("02:00:00:00:00:01");

    final MemoryPacketIo io = new MemoryPacketIo(LB);
    LoadBalancer lb;
    Forwarder forwarder;
    MetricsExporter exporter;

    @BeforeEach
    void setUp() throws Exception {
        lb = new LoadBalancer(TestConfigs.seed(), new FakeTicker(), 251);
        forwarder = Forwarder.following(lb, io, (f, arp, vlan) -> {});
        lb.setMac(0, MacAddress.parse("02:00:00:00:00:30"));
        lb.setMac(1, MacAddress.parse("02:00:00:00:00:31"));
        exporter = new MetricsExporter(new LiveStatus(lb, forwarder.counters(), null, Clock.systemUTC()))
                .start(InetAddress.getLoopbackAddress(), 0);
    }

    @AfterEach
    void tearDown() {
        exporter.close();
    }

    private int send(String client, int packets) {
        byte[] f = frame().eth(ROUTER, LB)
                .ipv4(Ipv4.parse(client), TestConfigs.VIP)
                .udp(40000, 69)
                .payload(new byte[20])
                .build();
        for (int i = 0; i < packets; i++) {
            forwarder.handle(f.clone(), f.length);
        }
        return f.length;
    }

    private String scrape() throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + exporter.port() + "/metrics"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return r.body();
    }

    private static void assertLine(String text, String line) {
        assertTrue(text.lines().anyMatch(l -> l.equals(line)), "no line `" + line + "` in:\n" + text);
    }

    @Test
    void requestsAreAnsweredByNamedThreadsThatEndWithTheExporter() throws Exception {
        // lab/bench sums these threads' CPU time by name from /proc (which keeps 15 characters).
        AtomicReference<Thread> server = new AtomicReference<>();
        GaugeWithCallback.builder()
                .name("test_serving_thread")
                .help("records the thread that renders the scrape")
                .callback(cb -> {
                    server.set(Thread.currentThread());
                    cb.call(1);
                })
                .register(exporter.registry());
        scrape();
        Thread t = server.get();
        assertTrue(t.getName().startsWith(MetricsExporter.HTTP_THREAD_PREFIX), t.getName());
        assertTrue(t.getName().length() <= 15, t.getName());
        exporter.close();
        t.join(5000);
        assertFalse(t.isAlive(), "the HTTP pool outlived close()");
    }

    @Test
    void theScrapeShowsWhatTheForwarderDid() throws Exception {
        int length = send("192.0.2.1", 3);
        send("192.0.2.2", 3);
        send("192.0.2.3", 3);
        forwarder.handle(new byte[10], 10);
        lb.setAdminEnabled(1, false);

        String text = scrape();
        // Round robin: clients 1 and 3 to tftp1, 2 to tftp2.
        assertLine(text, "dsrlb_service_forwarded_packets_total{service=\"tftp1\"} 6.0");
        assertLine(text, "dsrlb_service_forwarded_packets_total{service=\"tftp2\"} 3.0");
        assertLine(text, "dsrlb_service_forwarded_bytes_total{service=\"tftp1\"} " + (6.0 * length));
        assertLine(text, "dsrlb_forwarded_packets_total 9.0");
        assertLine(text, "dsrlb_received_packets_total 10.0");
        assertLine(text, "dsrlb_dropped_packets_total{reason=\"truncated\"} 1.0");
        assertLine(text, "dsrlb_dropped_packets_total{reason=\"no_vserver\"} 0.0");
        assertLine(text, "dsrlb_checksums_completed_total 0.0");
        assertLine(text, "dsrlb_arp_replies_sent_total 0.0");
        assertLine(text, "dsrlb_vip_arp_conflicts_total 0.0");
        assertLine(text, "dsrlb_state_rebuilds_total " + (double) lb.rebuilds());
        assertLine(text, "dsrlb_vserver_picks_total{vserver=\"tftp\"} 3.0");
        assertLine(text, "dsrlb_vserver_persistence_hits_total{vserver=\"tftp\"} 6.0");
        assertLine(text, "dsrlb_vserver_repicks_total{vserver=\"tftp\"} 0.0");
        assertLine(text, "dsrlb_vserver_persistence_entries{vserver=\"tftp\"} 3.0");
        assertLine(text, "dsrlb_vserver_up{vserver=\"tftp\"} 1.0");
        assertLine(text, "dsrlb_service_persisted_clients{service=\"tftp1\"} 2.0");
        assertLine(text, "dsrlb_service_up{service=\"tftp1\"} 1.0");
        assertLine(text, "dsrlb_service_up{service=\"tftp2\"} 0.0");
        assertLine(text, "dsrlb_service_state{service=\"tftp1\",state=\"up\"} 1.0");
        assertLine(text, "dsrlb_service_state{service=\"tftp1\",state=\"down\"} 0.0");
        assertLine(text, "dsrlb_service_state{service=\"tftp2\",state=\"out_of_service\"} 1.0");
        assertLine(text, "dsrlb_service_state{service=\"tftp2\",state=\"up\"} 0.0");
        assertLine(text, "# TYPE dsrlb_service_forwarded_packets_total counter");
        assertLine(text, "# TYPE dsrlb_service_up gauge");
    }

    @Test
    void probeResponseTimesAreAHistogramAndEvictionsACounter() throws Exception {
        exporter.observeProbe("tftp1", "tftp-pxe", true, 0.03);
        exporter.observeProbe("tftp1", "tftp-pxe", true, 0.3);
        exporter.observeProbe("tftp1", "tftp-pxe", false, 2.0);
        String text = scrape();
        assertLine(
                text,
                "dsrlb_monitor_response_seconds_bucket{monitor=\"tftp-pxe\",result=\"success\","
                        + "service=\"tftp1\",le=\"0.05\"} 1");
        assertLine(
                text,
                "dsrlb_monitor_response_seconds_count{monitor=\"tftp-pxe\",result=\"success\","
                        + "service=\"tftp1\"} 2");
        assertLine(
                text,
                "dsrlb_monitor_response_seconds_count{monitor=\"tftp-pxe\",result=\"failure\","
                        + "service=\"tftp1\"} 1");
        assertLine(text, "dsrlb_vserver_persistence_evictions_total{vserver=\"tftp\"} 0.0");
        assertLine(text, "dsrlb_service_mac_conflicts_total{service=\"tftp1\"} 0.0");
    }

    @Test
    void addressesAreHostColonPort() {
        assertEquals(9108, MetricsExporter.parseAddress("127.0.0.1:9108").getPort());
        assertTrue(MetricsExporter.parseAddress("127.0.0.1:9108").getAddress().isLoopbackAddress());
        assertTrue(MetricsExporter.parseAddress("[::1]:9108").getAddress().isLoopbackAddress());
        assertTrue(!MetricsExporter.parseAddress("0.0.0.0:9108").getAddress().isLoopbackAddress());
        assertThrows(IllegalArgumentException.class, () -> MetricsExporter.parseAddress("9108"));
        assertThrows(IllegalArgumentException.class, () -> MetricsExporter.parseAddress("127.0.0.1:x"));
        assertThrows(IllegalArgumentException.class, () -> MetricsExporter.parseAddress("127.0.0.1:70000"));
    }

    @Test
    void theEngineAndItsKernelPathAreOnTheScrape() throws Exception {
        StatusSource live = new LiveStatus(lb, forwarder.counters(), null, Clock.systemUTC());
        MetricsExporter offload = new MetricsExporter(new EngineStatus(
                        live,
                        "offload",
                        () -> new GlobalReport.KernelPath(5000, 250_000, 7, 9, 2, 0, 1, 3),
                        () -> NODE))
                .start(InetAddress.getLoopbackAddress(), 0);
        try {
            HttpResponse<String> r = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + offload.port() + "/metrics"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            String text = r.body();
            assertLine(text, "dsrlb_build_info{engine=\"offload\",version=\"1.2.3\"} 1");
            assertLine(text, "dsrlb_ha_role{role=\"active\"} 1.0");
            assertLine(text, "dsrlb_ha_role{role=\"standby\"} 0.0");
            assertLine(text, "dsrlb_config_reload_success 0.0");
            assertLine(text, "dsrlb_config_reload_timestamp_seconds 1.8E9");
            assertLine(text, "dsrlb_config_generation 2.0");
            assertLine(text, "dsrlb_announce_up{interface=\"dsrlb-up\"} 1.0");
            assertTrue(text.lines().anyMatch(l -> l.startsWith("jvm_memory_used_bytes{area=\"heap\"}")), text);
            assertTrue(text.lines().anyMatch(l -> l.startsWith("process_cpu_seconds_total")), text);
            assertLine(text, "dsrlb_kernel_forwarded_packets_total 5000.0");
            assertLine(text, "dsrlb_kernel_clients 7.0");
            assertLine(text, "dsrlb_kernel_table_restores_total 1.0");
            assertLine(text, "dsrlb_kernel_map_full_total 3.0");
        } finally {
            offload.close();
        }
        // A user-space engine has no kernel series at all.
        assertTrue(scrape().lines().noneMatch(l -> l.startsWith("dsrlb_kernel_")));
    }
}
