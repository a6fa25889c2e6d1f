package dsrlb.doctor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dsrlb.net.IpAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HostChecksTest {
    private static HostChecks with(Map<String, String> files) {
        return new HostChecks(files::get);
    }

    @Test
    void forwardingMustBeOff() {
        assertEquals(
                Finding.Level.OK,
                with(Map.of("/proc/sys/net/ipv4/ip_forward", "0\n", "/proc/sys/net/ipv4/conf/eth0/forwarding", "0\n"))
                        .ipForward("eth0")
                        .level());
        Finding on = with(Map.of("/proc/sys/net/ipv4/ip_forward", "1\n")).ipForward("eth0");
        assertEquals(Finding.Level.FAIL, on.level());
        assertTrue(on.fix().contains("net.ipv4.ip_forward=0"), on.fix());
        assertEquals(Finding.Level.WARN, with(Map.of()).ipForward("eth0").level());
    }

    @Test
    void txChecksumOffloadIsReadFromEthtool() {
        HostChecks h = with(Map.of());
        Finding on = h.txChecksumOffload("eth0", """
                Features for eth0:
                rx-checksumming: on
                tx-checksumming: on
                \ttx-checksum-ipv4: off [fixed]
                """);
        assertEquals(Finding.Level.OK, on.level());
        assertTrue(
                on.detail().contains("tx-checksumming on: captured frames may carry partial checksums"), on.detail());
        Finding off = h.txChecksumOffload("eth0", "Features for eth0:\ntx-checksumming: off\n");
        assertTrue(off.detail().contains("tx-checksumming off"), off.detail());
        assertEquals(Finding.Level.WARN, h.txChecksumOffload("eth0", null).level());
        assertEquals(
                Finding.Level.WARN,
                h.txChecksumOffload("eth0", "Features for eth0:\n").level());
    }

    @Test
    void capNetRawIsReadFromCapEff() {
        // 0x2000 = bit 13 (CAP_NET_RAW); 0x3000 adds bit 12 (CAP_NET_ADMIN).
        Finding raw = with(Map.of("/proc/self/status", "Name:\tjava\nCapEff:\t0000000000002000\n"))
                .capabilities();
        assertEquals(Finding.Level.OK, raw.level());
        assertEquals("CAP_NET_RAW", raw.detail());
        assertEquals(
                "CAP_NET_RAW and CAP_NET_ADMIN",
                with(Map.of("/proc/self/status", "CapEff:\t0000000000003000\n"))
                        .capabilities()
                        .detail());
        assertEquals(
                Finding.Level.FAIL,
                with(Map.of("/proc/self/status", "CapEff:\t0000000000001000\n"))
                        .capabilities()
                        .level());
        assertEquals(
                Finding.Level.OK,
                with(Map.of("/proc/self/status", "CapEff:\t000001ffffffffff\n"))
                        .capabilities()
                        .level());
    }

    @Test
    void theKernelMustNotHoldTheVip() {
        IpAddress vip = IpAddress.parse("198.51.100.20");
        IpAddress vip6 = IpAddress.parse("2001:db8:2::20");
        IpAddress own = IpAddress.parse("198.51.100.10");
        IpAddress own6 = IpAddress.parse("2001:db8:2::10");
        HostChecks h = with(Map.of());
        assertEquals(
                Finding.Level.OK,
                h.vipNotInKernel(List.of(vip, vip6), List.of(own, own6)).level());
        Finding held = h.vipNotInKernel(List.of(vip), List.of(own, vip));
        assertEquals(Finding.Level.FAIL, held.level());
        assertTrue(held.fix().startsWith("ip addr del 198.51.100.20/32"), held.fix());
        Finding held6 = h.vipNotInKernel(List.of(vip, vip6), List.of(own, vip6));
        assertEquals(Finding.Level.FAIL, held6.level());
        assertTrue(held6.fix().startsWith("ip addr del 2001:db8:2::20/128"), held6.fix());
    }

    @Test
    void ipv6ServicesNeedAnIpv6AddressOnTheInterface() {
        HostChecks h = with(Map.of());
        assertEquals(Finding.Level.OK, h.ipv6Address("eth0", null, false).level());
        assertEquals(Finding.Level.FAIL, h.ipv6Address("eth0", null, true).level());
        assertEquals(
                Finding.Level.OK,
                h.ipv6Address("eth0", IpAddress.parse("2001:db8:2::10"), true).level());
    }
}
