package dsrlb.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dsrlb.control.ResponseReader;
import dsrlb.status.GlobalReport;
import dsrlb.status.ServiceReport;
import dsrlb.status.VserverReport;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The Prometheus endpoint of the running daemon in the lab: scraped over HTTP, it shows the
 * same counts as {@code dsrlb stat lb vserver --json} and the clients' downloads. dsrlb runs in
 * the lb namespace, so its loopback is that namespace's: curl runs there too.
 */
class MetricsIT extends DsrlbLabTest {
    static final int CLIENTS = 6;
    static final Pattern SAMPLE = Pattern.compile("^([a-z_]+)(\\{[^}]*\\})? (\\S+)$");

    int port;

    @Override
    String[] labOptions() {
        return new String[] {"--offload", "on"};
    }

    @Override
    String[] dsrlbArgs() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        return new String[] {"--metrics-address", "127.0.0.1:" + port};
    }

    /** Every sample of the scrape, keyed {@code name{labels}}. */
    private Map<String, Double> scrape() {
        Lab.Result r = Lab.check(
                Lab.inNamespace(Lab.LB_NS, 15, "curl", "-sS", "--fail", "http://127.0.0.1:" + port + "/metrics"),
                "curl /metrics");
        Map<String, Double> samples = new HashMap<>();
        for (String line : r.out().lines().toList()) {
            Matcher m = SAMPLE.matcher(line);
            if (!line.startsWith("#") && m.matches()) {
                samples.put(m.group(1) + (m.group(2) == null ? "" : m.group(2)), Double.parseDouble(m.group(3)));
            }
        }
        return samples;
    }

    private static long value(Map<String, Double> samples, String key) {
        Double v = samples.get(key);
        assertTrue(v != null, "no sample " + key + " in " + samples);
        return v.longValue();
    }

    @Test
    void theScrapeShowsWhatSixClientsDidAndWhatStatSays() throws Exception {
        assertTrue(dsrlb.log().contains("metrics on http://127.0.0.1:" + port + "/metrics"), dsrlb.log());
        String expected = Lab.sha256(Lab.served("ARDBP32.BIN"));
        for (int i = 0; i < CLIENTS; i++) {
            String src = "192.0.2." + (100 + i);
            Path out = dir.resolve("dl-" + src);
            Lab.Result r = TftpClient.CURL.download(Lab.VIP, "ARDBP32.BIN", out, src, 15);
            assertTrue(r.ok(), src + ": " + r);
            assertEquals(expected, Lab.sha256(out), src);
        }

        Lab.Result stat = Lab.check(
                Lab.runQuietly(
                        30,
                        "java",
                        "-jar",
                        Lab.JAR.toString(),
                        "stat",
                        "lb",
                        "vserver",
                        "--json",
                        "--control-socket",
                        socket.toString()),
                "stat lb vserver --json");
        Lab.Result show = Lab.check(
                Lab.runQuietly(
                        30,
                        "java",
                        "-jar",
                        Lab.JAR.toString(),
                        "show",
                        "service",
                        "--json",
                        "--control-socket",
                        socket.toString()),
                "show service --json");
        Map<String, Double> m = scrape();
        ResponseReader statJson = ResponseReader.of(stat.out());
        VserverReport tftp = statJson.vservers().get(0);
        GlobalReport global = statJson.global();
        List<ServiceReport> services = ResponseReader.of(show.out()).services();

        long sum = 0;
        for (ServiceReport s : services) {
            long packets = value(m, "dsrlb_service_forwarded_packets_total{service=\"" + s.name() + "\"}");
            assertTrue(packets > 0, s.name() + " forwarded nothing: " + m);
            assertEquals(s.packetsForwarded(), packets, s.name() + ": scrape vs show service");
            assertEquals(
                    s.bytesForwarded(),
                    value(m, "dsrlb_service_forwarded_bytes_total{service=\"" + s.name() + "\"}"),
                    s.name());
            assertEquals(1, value(m, "dsrlb_service_up{service=\"" + s.name() + "\"}"), s.name());
            assertEquals(1, value(m, "dsrlb_service_state{service=\"" + s.name() + "\",state=\"up\"}"), s.name());
            assertEquals(0, value(m, "dsrlb_service_state{service=\"" + s.name() + "\",state=\"down\"}"), s.name());
            sum += packets;
        }
        long forwarded = value(m, "dsrlb_forwarded_packets_total");
        assertEquals(forwarded, sum, "the services' sum is the interface's count");
        assertEquals(global.forwarded(), forwarded, "scrape vs stat lb vserver");
        assertEquals(CLIENTS, value(m, "dsrlb_vserver_picks_total{vserver=\"tftp\"}"));
        assertEquals(tftp.newClients(), value(m, "dsrlb_vserver_picks_total{vserver=\"tftp\"}"));
        assertEquals(tftp.persistenceHits(), value(m, "dsrlb_vserver_persistence_hits_total{vserver=\"tftp\"}"));
        assertEquals(CLIENTS, value(m, "dsrlb_vserver_persistence_entries{vserver=\"tftp\"}"));
        assertEquals(0, value(m, "dsrlb_vserver_repicks_total{vserver=\"tftp\"}"));
        assertTrue(value(m, "dsrlb_received_packets_total") >= forwarded, m.toString());
        assertTrue(value(m, "dsrlb_checksums_completed_total") > 0, "offload on: partial checksums completed");
        assertTrue(m.containsKey("dsrlb_dropped_packets_total{reason=\"truncated\"}"), m.toString());
    }
}
