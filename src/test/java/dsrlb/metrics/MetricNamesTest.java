package dsrlb.metrics;

import static dsrlb.testing.FrameBuilder.frame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dsrlb.balance.LoadBalancer;
import dsrlb.balance.TestConfigs;
import dsrlb.dataplane.Forwarder;
import dsrlb.net.Ipv4;
import dsrlb.net.MacAddress;
import dsrlb.status.EngineStatus;
import dsrlb.status.GlobalReport;
import dsrlb.status.LiveStatus;
import dsrlb.testing.FakeTicker;
import dsrlb.testing.MemoryPacketIo;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Every series dsrlb exports follows Prometheus' naming rules (prometheus.io, "Metric and label
 * naming"), and every series the shipped alert rules and dashboard query exists: a renamed metric
 * must not leave an alert that can never fire.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MetricNamesTest {
    static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_]*");
    static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{([^}]*)\\})? .*$");
    static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    String exposition;

    @BeforeAll
    void scrapeEverything() throws IOException {
        LoadBalancer lb = new LoadBalancer(TestConfigs.seed(), new FakeTicker(), 251);
        MemoryPacketIo io = new MemoryPacketIo(MacAddress.parse("02:00:00:00:00:10"));
        Forwarder forwarder = Forwarder.following(lb, io, (f, arp, vlan) -> {});
        lb.setMac(0, MacAddress.parse("02:00:00:00:00:30"));
        lb.setMac(1, MacAddress.parse("02:00:00:00:00:31"));
        lb.setAdminEnabled(1, false);
        byte[] f = frame().eth(MacAddress.parse("02:00:00:00:00:01"), io.mac())
                .ipv4(Ipv4.parse("192.0.2.1"), TestConfigs.VIP)
                .udp(40000, 69)
                .payload(new byte[20])
                .build();
        forwarder.handle(f, f.length);
        MetricsExporter exporter = new MetricsExporter(new EngineStatus(
                new LiveStatus(lb, forwarder.counters(), null, Clock.systemUTC()),
                "offload",
                () -> new GlobalReport.KernelPath(1, 2, 3, 4, 5, 0, 0, 0),
                () -> MetricsExporterTest.NODE));
        exporter.observeTransfer("tftp1", 0.5);
        exporter.observeProbe("tftp1", "tftp-pxe", true, 0.1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new PrometheusTextFormatWriter(false).write(out, exporter.registry().scrape());
        exposition = out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void dsrlbSeriesFollowTheNamingRules() {
        Set<String> counters = new TreeSet<>();
        exposition
                .lines()
                .filter(l -> l.startsWith("# TYPE dsrlb_") && l.endsWith(" counter"))
                .forEach(l -> counters.add(l.split(" ", -1)[2]));
        assertTrue(counters.size() > 10, exposition);
        List<String> problems = new ArrayList<>();
        for (String line :
                exposition.lines().filter(l -> l.startsWith("dsrlb_")).toList()) {
            Matcher m = SAMPLE.matcher(line);
            if (!m.matches()) {
                problems.add("unparsable: " + line);
                continue;
            }
            String name = m.group(1);
            if (!NAME.matcher(name).matches()) {
                problems.add("not snake case: " + name);
            }
            if (name.matches(".*_(ms|milliseconds|kb|mb|percent)(_.*)?")) {
                problems.add("not a base unit: " + name);
            }
            String family = name.replaceFirst("_(total|created|bucket|count|sum|info)$", "");
            if (counters.contains(family) && !name.endsWith("_total") && !name.endsWith("_created")) {
                problems.add("counter sample without _total: " + name);
            }
            if (m.group(3) != null) {
                Matcher l = LABEL.matcher(m.group(3));
                while (l.find()) {
                    String label = l.group(1);
                    if (!NAME.matcher(label).matches()) {
                        problems.add("label name not snake case: " + line);
                    }
                    // Enumerations (state, role, reason, result) are snake case too; names from the
                    // config (service, vserver, monitor) are the operator's.
                    if (Set.of("state", "role", "reason", "result", "engine").contains(label)
                            && !NAME.matcher(l.group(2)).matches()) {
                        problems.add("label value not snake case: " + line);
                    }
                }
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    @Test
    void everySeriesTheAlertsAndTheDashboardQueryExists() throws IOException {
        Set<String> exported = new TreeSet<>();
        exposition
                .lines()
                .filter(l -> !l.startsWith("#") && !l.isBlank())
                .forEach(l -> exported.add(l.replaceFirst("[{ ].*", "")));
        Set<String> missing = new TreeSet<>();
        for (Path file : List.of(
                Path.of("examples/prometheus/dsrlb-alerts.yml"), Path.of("examples/grafana/dsrlb-dashboard.json"))) {
            Matcher m = Pattern.compile("\\b((?:dsrlb|jvm|process)_[a-z0-9_]+)").matcher(Files.readString(file));
            int seen = 0;
            while (m.find()) {
                seen++;
                if (!exported.contains(m.group(1))) {
                    missing.add(file.getFileName() + ": " + m.group(1));
                }
            }
            assertTrue(seen > 5, file + " queries dsrlb's series");
        }
        assertTrue(
                missing.isEmpty(),
                "queried but not exported:\n" + String.join("\n", missing) + "\nexported: " + exported);
    }
}
