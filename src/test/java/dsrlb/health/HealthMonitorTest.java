package dsrlb.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dsrlb.balance.LoadBalancer;
import dsrlb.balance.ServiceStatus;
import dsrlb.balance.TestConfigs;
import dsrlb.config.MonitorBinding;
import dsrlb.config.MonitorConfig;
import dsrlb.config.SourceLocation;
import dsrlb.net.MacAddress;
import dsrlb.testing.FakeTicker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

class HealthMonitorTest {
    static final SourceLocation HERE = new SourceLocation("test", 1);

    static MonitorConfig monitor(String name, int retries) {
        // -interval and -downTime are whole seconds in the config; tests use short ones directly.
        return new MonitorConfig(
                name,
                "ARDBP32.BIN",
                Duration.ofMillis(50),
                Duration.ofMillis(20),
                retries,
                1,
                Duration.ofMillis(50),
                -1,
                0,
                -1,
                null,
                HERE);
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 5 s: " + what);
            }
            Thread.sleep(5);
        }
    }

    @Test
    void verdictsReachTheForwardingStateBothWays() throws Exception {
        LoadBalancer lb = new LoadBalancer(TestConfigs.seed(), new FakeTicker(), 251);
        lb.setMac(0, MacAddress.parse("02:00:00:00:00:30"));
        lb.setMac(1, MacAddress.parse("02:00:00:00:00:31"));
        AtomicBoolean tftp1Healthy = new AtomicBoolean(true);
        AtomicInteger probes = new AtomicInteger();
        ServiceProbe probe = s -> {
            probes.incrementAndGet();
            return s.name().equals("tftp1") && !tftp1Healthy.get()
                    ? ProbeResult.failure("timeout waiting for block 1", Duration.ZERO)
                    : ProbeResult.success("ok", Duration.ZERO);
        };
        try (HealthMonitor hm = new HealthMonitor(
                lb,
                List.of(new MonitorBinding("tftp1", "pxe", HERE), new MonitorBinding("tftp2", "pxe", HERE)),
                Map.of("pxe", monitor("pxe", 2)),
                m -> probe)) {
            assertEquals(List.of(0, 1), hm.monitoredServices());
            hm.start();
            await(
                    "both UP",
                    () -> lb.state().services()[0].eligible()
                            && lb.state().services()[1].eligible());

            tftp1Healthy.set(false);
            await("tftp1 DOWN", () -> lb.state().services()[0].status() == ServiceStatus.DOWN);
            assertTrue(
                    lb.state().services()[0].reason().contains("timeout waiting for block 1 (2 probes in a row)"),
                    lb.state().services()[0].reason());
            assertEquals(ServiceStatus.UP, lb.state().services()[1].status());

            tftp1Healthy.set(true);
            await("tftp1 UP again", () -> lb.state().services()[0].status() == ServiceStatus.UP);
        }
        int after = probes.get();
        Thread.sleep(150);
        assertEquals(after, probes.get(), "no probe after close");
    }

    @Test
    void aServiceWithTwoMonitorsIsUpOnlyWhileBothAre() throws Exception {
        LoadBalancer lb = new LoadBalancer(TestConfigs.seed(), new FakeTicker(), 251);
        lb.setMac(0, MacAddress.parse("02:00:00:00:00:30"));
        try (HealthMonitor hm = new HealthMonitor(
                lb,
                List.of(new MonitorBinding("tftp1", "good", HERE), new MonitorBinding("tftp1", "bad", HERE)),
                Map.of("good", monitor("good", 1), "bad", monitor("bad", 1)),
                m -> m.name().equals("good")
                        ? s -> ProbeResult.success("ok", Duration.ZERO)
                        : s -> ProbeResult.failure("DSR path: answered from its real address", Duration.ZERO))) {
            hm.start();
            await("probed", () -> hm.trackers(0).stream().allMatch(t -> t.last() != null));
            Thread.sleep(100);
            assertEquals(ServiceStatus.DOWN, lb.state().services()[0].status());
            assertTrue(
                    lb.state().services()[0].reason().startsWith("monitor bad: DSR path"),
                    lb.state().services()[0].reason());
        }
    }

    @Test
    void stalledProbesAreAbandonedAtTheirDeadlineAndDelayNoOtherCheck() throws Exception {
        LoadBalancer lb = new LoadBalancer(TestConfigs.seed(), new FakeTicker(), 251);
        lb.setMac(0, MacAddress.parse("02:00:00:00:00:30"));
        lb.setMac(1, MacAddress.parse("02:00:00:00:00:31"));
        // Four monitors on tftp1 whose probes hang and ignore interrupts (a backend dripping
        // blocks into a read that does not give up): as many as the old shared pool had threads.
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger stalledProbes = new AtomicInteger();
        AtomicInteger fastProbes = new AtomicInteger();
        ServiceProbe stalled = s -> {
            stalledProbes.incrementAndGet();
            while (true) {
                try {
                    release.await();
                    return ProbeResult.success("late", Duration.ZERO);
                } catch (InterruptedException e) {
                    // stuck on regardless
                }
            }
        };
        List<MonitorBinding> bindings = new ArrayList<>();
        Map<String, MonitorConfig> monitors = new HashMap<>();
        for (int i = 0; i < 4; i++) {
            bindings.add(new MonitorBinding("tftp1", "slow" + i, HERE));
            monitors.put("slow" + i, monitor("slow" + i, 1));
        }
        bindings.add(new MonitorBinding("tftp2", "fast", HERE));
        monitors.put("fast", monitor("fast", 1));
        try (HealthMonitor hm = new HealthMonitor(
                lb,
                bindings,
                monitors,
                m -> m.name().startsWith("slow")
                        ? stalled
                        : s -> {
                            fastProbes.incrementAndGet();
                            return ProbeResult.success("ok", Duration.ZERO);
                        })) {
            hm.start();
            await("all four stalled probes started", () -> stalledProbes.get() == 4);
            int before = fastProbes.get();
            await("the fast check goes on while four others hang", () -> fastProbes.get() >= before + 10);
            assertEquals(ServiceStatus.UP, lb.state().services()[1].status());

            await("tftp1 DOWN by its deadlines", () -> lb.state().services()[0].status() == ServiceStatus.DOWN);
            String reason = lb.state().services()[0].reason();
            assertTrue(reason.startsWith("monitor slow"), reason);
            assertTrue(reason.contains("deadline exceeded"), reason);
            await(
                    "each slow check failed more turns",
                    () -> hm.trackers(0).stream()
                            .allMatch(t -> t.last() != null && !t.last().ok()));
            assertEquals(4, stalledProbes.get(), "no new probe while a check's abandoned one is still stuck");
        } finally {
            release.countDown();
        }
    }

    @Test
    void theDeadlineLeavesTheProbeItsOwnBoundsOfOneIntervalPerDownload() {
        MonitorConfig m = new MonitorConfig(
                "m",
                "f",
                Duration.ofSeconds(5),
                Duration.ofSeconds(2),
                3,
                1,
                Duration.ofSeconds(30),
                -1,
                0,
                -1,
                null,
                HERE);
        assertEquals(Duration.ofSeconds(15), HealthMonitor.deadline(m));
        MonitorConfig tight = new MonitorConfig(
                "m",
                "f",
                Duration.ofSeconds(2),
                Duration.ofMillis(1900),
                3,
                1,
                Duration.ofSeconds(30),
                -1,
                0,
                -1,
                null,
                HERE);
        assertEquals(Duration.ofSeconds(6), HealthMonitor.deadline(tight));
    }
}
