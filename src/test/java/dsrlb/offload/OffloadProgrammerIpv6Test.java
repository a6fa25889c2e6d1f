package dsrlb.offload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.ThreadMXBean;
import dsrlb.balance.LoadBalancer;
import dsrlb.balance.ServiceStatus;
import dsrlb.balance.ServiceView;
import dsrlb.config.ConfigParser;
import dsrlb.config.DsrConfig;
import dsrlb.net.IpAddress;
import dsrlb.net.Ipv4;
import dsrlb.net.MacAddress;
import dsrlb.testing.FakeTicker;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * IPv6 clients in the kernel's maps: a VIP6's decisions become elements of its ipv6_addr map,
 * next to the IPv4 VIP's clients in theirs, are read back as 128-bit clients and taken out
 * again like IPv4 ones.
 */
class OffloadProgrammerIpv6Test {
    static final MacAddress LB = MacAddress.parse("02:00:00:00:00:10");
    static final MacAddress TFTP1 = MacAddress.parse("02:00:00:00:00:30");
    static final MacAddress TFTP1_6 = MacAddress.parse("02:00:00:00:00:36");
    static final IpAddress CLIENT6 = IpAddress.parse("2001:db8:1::100");
    static final IpAddress OTHER6 = IpAddress.parse("2001:db8:1::101");
    static final int CLIENT4 = Ipv4.parse("192.0.2.32");

    final FakeKernelMaps kernel = new FakeKernelMaps();
    final List<String> activity = new ArrayList<>();
    LoadBalancer lb;
    OffloadProgrammer programmer;
    int v4Service;
    int v6Service;

    @BeforeEach
    void setUp() throws Exception {
        DsrConfig cfg = ConfigParser.parse("t.conf", OffloadRulesetTest.DUAL);
        lb = new LoadBalancer(cfg, new FakeTicker(), 251);
        for (ServiceView s : lb.state().services()) {
            boolean six = s.name().endsWith("-6");
            if (six) {
                v6Service = s.id();
            } else {
                v4Service = s.id();
            }
            lb.setMac(s.id(), six ? TFTP1_6 : TFTP1);
            lb.setHealth(s.id(), ServiceStatus.UP, "test");
        }
        List<OffloadRuleset.VipRule> rules = OffloadEngine.vipRules(cfg);
        assertTrue(rules.get(0).offloaded() && rules.get(1).offloaded(), rules.toString());
        programmer = new OffloadProgrammer(
                kernel,
                new OffloadRuleset("dsrlb_2", "eth0", "dsrlbm2", "dsrlbc2", LB, rules, 4242),
                lb.state(),
                (vip, high, low, id, idle) -> activity.add("#" + vip + " " + new IpAddress(high, low).format() + " svc "
                        + id + " idle " + TimeUnit.NANOSECONDS.toSeconds(idle)),
                TimeUnit.SECONDS.toNanos(1),
                0);
        lb.subscribe(programmer::publish);
    }

    @Test
    void ipv6AndIpv4DecisionsBecomeElementsOfTheirVipsMaps() {
        programmer.forwarded(0, CLIENT6.high(), CLIENT6.low(), v6Service);
        programmer.forwarded(1, CLIENT4, v4Service);
        programmer.runOnce();
        assertEquals(Map.of("2001:db8:1::100", TFTP1_6.toString()), kernel.maps.get("client_0"));
        assertEquals(Map.of("192.0.2.32", TFTP1.toString()), kernel.maps.get("client_1"));
        assertTrue(
                kernel.batches
                        .get(kernel.batches.size() - 1)
                        .contains("add element netdev dsrlb_2 client_0 { 2001:db8:1::100 : 02:00:00:00:00:36 }"),
                kernel.batches.toString());
        assertEquals(2, programmer.installs());
    }

    @Test
    void ipv6ClientsAreReadBackWithTheirIdleTimes() {
        programmer.forwarded(0, CLIENT6.high(), CLIENT6.low(), v6Service);
        programmer.forwarded(0, OTHER6.high(), OTHER6.low(), v6Service);
        programmer.runOnce();
        kernel.expires.put("client_0", Map.of("2001:db8:1::100", 110L, "2001:db8:1::101", 120L));
        programmer.sync();
        assertEquals(
                List.of(
                        "#0 2001:db8:1::100 svc " + v6Service + " idle 10",
                        "#0 2001:db8:1::101 svc " + v6Service + " idle 0"),
                activity);
        assertEquals(2, programmer.kernelEntries());
    }

    @Test
    void aDisabledServiceLosesItsIpv6ClientsInTheKernel() {
        programmer.forwarded(0, CLIENT6.high(), CLIENT6.low(), v6Service);
        programmer.forwarded(1, CLIENT4, v4Service);
        programmer.runOnce();
        lb.setAdminEnabled(v6Service, false);
        programmer.runOnce();
        assertTrue(kernel.maps.get("client_0").isEmpty(), kernel.maps.toString());
        assertEquals(Map.of("192.0.2.32", TFTP1.toString()), kernel.maps.get("client_1"), "the IPv4 client stays");
        assertTrue(
                kernel.batches
                        .get(kernel.batches.size() - 1)
                        .contains("delete element netdev dsrlb_2 client_0 { 2001:db8:1::100 }"),
                kernel.batches.toString());
    }

    @Test
    void aTableRemovedFromOutsideComesBackWithItsIpv6Clients() {
        programmer.forwarded(0, CLIENT6.high(), CLIENT6.low(), v6Service);
        programmer.runOnce();
        kernel.flushRuleset();
        programmer.checkTable();
        assertEquals(Map.of("2001:db8:1::100", TFTP1_6.toString()), kernel.maps.get("client_0"));
    }

    @Test
    void anIpv6DecisionAllocatesNothingOnTheReceiveThread() {
        ThreadMXBean mx = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (int i = 0; i < 20_000; i++) {
            programmer.forwarded(0, CLIENT6.high(), i, v6Service); // warm up; the ring fills and then drops
        }
        long before = mx.getCurrentThreadAllocatedBytes();
        int n = 1_000_000;
        for (int i = 0; i < n; i++) {
            programmer.forwarded(0, CLIENT6.high(), CLIENT6.low() + i, v6Service);
        }
        long allocated = mx.getCurrentThreadAllocatedBytes() - before;
        assertTrue(allocated < n, allocated + " bytes for " + n + " decisions");
        assertTrue(programmer.ringDrops() > 0);
    }
}
