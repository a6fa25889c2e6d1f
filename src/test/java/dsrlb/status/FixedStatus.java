package dsrlb.status;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A status source with fixed data: the seed's topology after a few clients, tftp2 DOWN. */
public final class FixedStatus implements StatusSource {
    public static final Instant TIME = Instant.parse("2025-01-02T03:04:05.678Z");
    public static final String TFTP1_MAC = "02:d5:1b:64:00:30";

    public int persistenceCalls;
    public String lastPersistenceClient;

    @Override
    public List<ServiceReport> services() {
        return List.of(
                new ServiceReport(
                        "tftp1",
                        "198.51.100.30",
                        "198.51.100.30",
                        "ANY",
                        -1,
                        "UP",
                        "monitor tftp-pxe: ARDBP32.BIN 262144 bytes: real address 1.056 s, via VIP 0.037 s",
                        TFTP1_MAC,
                        6,
                        2,
                        1234,
                        567_890,
                        List.of(new ServiceReport.Binding("tftp", 1)),
                        List.of(new ServiceReport.Monitor(
                                "tftp-pxe",
                                "UP",
                                "ARDBP32.BIN 262144 bytes",
                                new ServiceReport.Probe(true, "ARDBP32.BIN 262144 bytes", Duration.ofMillis(37))))),
                new ServiceReport(
                        "tftp2",
                        "198.51.100.31",
                        "198.51.100.31",
                        "ANY",
                        -1,
                        "DOWN",
                        "monitor tftp-pxe: ICMP port unreachable from 198.51.100.31:69 \"quoted\"\ttab",
                        "02:d5:1b:64:00:31",
                        0,
                        0,
                        0,
                        0,
                        List.of(new ServiceReport.Binding("tftp", 3)),
                        List.of(
                                new ServiceReport.Monitor(
                                        "tftp-pxe",
                                        "DOWN",
                                        "ICMP port unreachable",
                                        new ServiceReport.Probe(
                                                false, "ICMP port unreachable", Duration.ofNanos(1_500_000))),
                                new ServiceReport.Monitor("other", "DOWN", "not probed yet", null))),
                new ServiceReport(
                        "plain",
                        "web",
                        "198.51.100.40",
                        "UDP",
                        69,
                        "OUT OF SERVICE",
                        "disabled",
                        null,
                        0,
                        0,
                        0,
                        0,
                        List.of(),
                        List.of()));
    }

    @Override
    public List<VserverReport> vservers() {
        return List.of(
                new VserverReport(
                        "tftp",
                        "ANY",
                        "198.51.100.20",
                        -1,
                        "ROUNDROBIN",
                        "SOURCEIP",
                        100,
                        1_000_000,
                        "UP",
                        5,
                        2570,
                        1,
                        4,
                        7,
                        List.of(
                                new VserverReport.Bound("tftp1", "198.51.100.30", "ANY", -1, 1, "UP"),
                                new VserverReport.Bound("tftp2", "198.51.100.31", "ANY", -1, 3, "DOWN"))),
                new VserverReport(
                        "plain vs",
                        "UDP",
                        "198.51.100.21",
                        69,
                        "SOURCEIPHASH",
                        "NONE",
                        2,
                        1_000_000,
                        "DOWN",
                        0,
                        0,
                        0,
                        0,
                        0,
                        List.of(new VserverReport.Bound("plain", "198.51.100.40", "UDP", 69, 1, "OUT OF SERVICE"))));
    }

    @Override
    public GlobalReport global() {
        Map<String, Long> drops = new LinkedHashMap<>();
        drops.put("truncated", 0L);
        drops.put("not_vip", 4L);
        drops.put("no_service_up", 2L);
        return new GlobalReport(
                TIME,
                123_456,
                123_000,
                100,
                12,
                3,
                new GlobalReport.VipArpConflict("198.51.100.20", TFTP1_MAC, TIME.minusSeconds(2)),
                drops);
    }

    @Override
    public PersistenceReport persistence(String client, int limit) {
        persistenceCalls++;
        lastPersistenceClient = client;
        List<PersistenceReport.Entry> all = List.of(
                new PersistenceReport.Entry("192.0.2.9", "tftp", "tftp2"),
                new PersistenceReport.Entry("192.0.2.10", "tftp", "tftp1"),
                new PersistenceReport.Entry("192.0.2.100", "tftp", "tftp1"));
        List<PersistenceReport.Entry> matching = client == null
                ? all
                : all.stream().filter(e -> e.client().equals(client)).toList();
        return new PersistenceReport(
                client,
                matching.size(),
                matching.size() > limit,
                matching.subList(0, Math.min(limit, matching.size())));
    }
}
