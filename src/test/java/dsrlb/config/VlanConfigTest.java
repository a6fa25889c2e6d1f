package dsrlb.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dsrlb.balance.TestConfigs;
import dsrlb.net.IpAddress;
import dsrlb.net.Ipv4;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code add vlan}, {@code bind vlan}: which VLAN each VIP and server lives on, and the errors. */
class VlanConfigTest {
    static final String TRUNK = TestConfigs.VLAN_TRUNK;

    private static DsrConfig parse(String text) throws ConfigException {
        return ConfigParser.parse("t.conf", text);
    }

    private static int ip(String text) {
        return Ipv4.parse(text);
    }

    @Test
    void eachAddressLivesOnTheVlanWhoseSubnetHoldsIt() throws Exception {
        DsrConfig c = parse(TRUNK);
        assertEquals(2, c.vlans().size());
        VlanConfig v100 = c.vlans().get(0);
        assertEquals(100, v100.id());
        assertEquals("eth0", v100.ifnum());
        assertTrue(v100.tagged());
        assertEquals(new SourceLocation("t.conf", 1), v100.location());
        assertEquals(ip("198.51.100.1"), v100.subnets().get(0).address().ipv4());
        assertEquals(100, c.tagOf(ip("198.51.100.20")));
        assertEquals(100, c.tagOf(ip("198.51.100.30")));
        assertEquals(200, c.tagOf(ip("198.51.100.140")));
        assertEquals(200, c.tagOf(ip("198.51.100.150")));
        assertEquals(0, c.tagOf(ip("192.0.2.1")), "outside every subnet: untagged");
        assertNull(c.vlanOf(ip("192.0.2.1")));
        assertTrue(
                c.notices().stream().anyMatch(n -> n.startsWith("t.conf:2: -aliasName servers-b accepted")),
                () -> c.notices().toString());
    }

    /** {@code bind vlan <id> -IPAddress <ip6>/<prefix>}: IPv6 subnets next to the IPv4 ones. */
    @Test
    void ipv6SubnetsPutVip6sAndServersOnTheirVlan() throws Exception {
        DsrConfig c = parse(TestConfigs.VLAN_TRUNK6);
        VlanConfig v100 = c.vlans().get(0);
        assertEquals(2, v100.subnets().size());
        VlanConfig.Subnet six = v100.subnets().get(1);
        assertEquals(IpAddress.parse("2001:db8:2::1"), six.address());
        assertEquals(64, six.prefixLength());
        assertEquals("2001:db8:2::/64", six.network());
        assertEquals(new SourceLocation("t.conf", 7), six.location());
        assertEquals("198.51.100.0/25", v100.subnets().get(0).network());
        assertEquals(100, c.tagOf(IpAddress.parse("2001:db8:2::20")), "add ns ip6 -vlan 100, in its subnet");
        assertEquals(100, c.tagOf(IpAddress.parse("2001:db8:2::30")));
        assertEquals(200, c.tagOf(IpAddress.parse("2001:db8:3::20")), "a vserver's VIP6");
        assertEquals(200, c.tagOf(IpAddress.parse("2001:db8:3::31")));
        assertEquals(0, c.tagOf(IpAddress.parse("2001:db8:4::1")), "outside every subnet: untagged");
        assertEquals(100, c.tagOf(ip("198.51.100.20")), "the IPv4 subnets still decide for IPv4");
        assertEquals(200, c.tagOf(ip("198.51.100.140")));
    }

    @Test
    void anUntaggedBindingMakesTheVlanTheInterfacesUntaggedOne() throws Exception {
        DsrConfig c = parse("""
                add vlan 10
                bind vlan 10 -ifnum eth0
                bind vlan 10 -IPAddress 192.0.2.1 255.255.255.0
                add lb vserver v ANY 192.0.2.20 *
                """);
        assertFalse(c.vlans().get(0).tagged());
        assertEquals(0, c.tagOf(ip("192.0.2.20")), "native VLAN: frames carry no tag");
    }

    @Test
    void aVlanWithoutSubnetIsReportedOnce() throws Exception {
        DsrConfig c = parse("add vlan 300\nbind vlan 300 -ifnum eth0 -tagged\n");
        assertTrue(
                c.notices()
                        .contains("t.conf:1: vlan 300 has no -IPAddress: no VIP or server lives on it, dsrlb does"
                                + " not use it"),
                () -> c.notices().toString());
    }

    @Test
    void noVlansMeansEverythingUntagged() throws Exception {
        DsrConfig c = parse("add lb vserver v ANY 192.0.2.20 *\n");
        assertEquals(List.of(), c.vlans());
        assertEquals(0, c.tagOf(ip("192.0.2.20")));
    }

    static Stream<Arguments> errors() {
        return Stream.of(
                Arguments.of("add vlan 0", 13, "vlan id 0 is out of range 1..4094"),
                Arguments.of("add vlan 4095", 13, "vlan id 4095 is out of range 1..4094"),
                Arguments.of("add vlan 100", 13, "vlan 100 is already added at t.conf:1"),
                Arguments.of("bind vlan 300 -ifnum eth0 -tagged", 13, "vlan 300 is not added (add vlan 300 first)"),
                Arguments.of("bind vlan 100 -tagged", 13, "-tagged belongs to -ifnum"),
                Arguments.of("bind vlan 100", 13, "takes either -ifnum <interface> [-tagged] or -IPAddress"),
                Arguments.of(
                        "bind vlan 100 -ifnum eth0 -IPAddress 198.51.100.1 255.255.255.0", 13, "takes either -ifnum"),
                Arguments.of(
                        "bind vlan 100 -ifnum eth1 -tagged",
                        13,
                        "vlan 100 is already bound to -ifnum eth0 at t.conf:3"),
                Arguments.of("bind vlan 100 -IPAddress 198.51.100.1", 13, "-IPAddress 198.51.100.1 needs its netmask"),
                Arguments.of("bind vlan 100 -IPAddress", 13, "option -IPAddress needs a value"),
                Arguments.of(
                        "bind vlan 100 -IPAddress 2001:db8:2::1",
                        13,
                        "an IPv6 address on a VLAN takes its prefix and no netmask"),
                Arguments.of(
                        "bind vlan 100 -IPAddress 2001:db8:2::1/64 ffff:ffff:ffff:ffff::",
                        13,
                        "an IPv6 address on a VLAN takes its prefix and no netmask"),
                Arguments.of(
                        "bind vlan 100 -IPAddress 2001:db8:2::/64",
                        13,
                        "-IPAddress 2001:db8:2::/64 is the subnet's own address (2001:db8:2::/64)"),
                Arguments.of("bind vlan 100 -IPAddress 2001:db8:2::1/128", 13, "must be 1..127"),
                Arguments.of("bind vlan 100 -IPAddress 2001:db8:2::1/x", 13, "must be 1..127"),
                Arguments.of("bind vlan 100 -IPAddress fe80::1/64", 13, "is a multicast or link-local address"),
                Arguments.of("bind vlan 100 -IPAddress ::ffff:192.0.2.1/120", 13, "IPv4-mapped"),
                Arguments.of(
                        "bind vlan 100 -IPAddress 2001:db8:2::1/64\nadd vlan 300\nbind vlan 300 -IPAddress"
                                + " 2001:db8:2:0:1::1/80",
                        15,
                        "subnet 2001:db8:2:0:1::/80 overlaps 2001:db8:2::/64 of vlan 100 (t.conf:13)"),
                Arguments.of(
                        "add ns ip6 2001:db8:9::20 -type VIP -vlan 100",
                        13,
                        "-vlan 100: VIP 2001:db8:9::20 lies in no VLAN's subnet"),
                Arguments.of(
                        "bind vlan 100 -IPAddress 2001:db8:2::1/64\nbind vlan 200 -IPAddress 2001:db8:3::1/64\n"
                                + "add ns ip6 2001:db8:3::20 -type VIP -vlan 100",
                        15,
                        "-vlan 100: VIP 2001:db8:3::20 lies in vlan 200's subnet"),
                Arguments.of("add ns ip6 2001:db8:9::20 -type VIP -vlan 5000", 13, "vlan id 5000 is out of range"),
                Arguments.of(
                        "bind vlan 100 -IPAddress 2001:db8:2::1/64\nadd lb vserver v6 ANY 2001:db8:2::1 *",
                        14,
                        "VIP 2001:db8:2::1 is vlan 100's own -IPAddress (t.conf:13)"),
                Arguments.of(
                        "bind vlan 100 -IPAddress 2001:db8:2::1/64\nadd service s6 2001:db8:2::30 ANY *\n"
                                + "add lb vserver v6 ANY 2001:db8:9::20 *\nbind lb vserver v6 s6",
                        16,
                        "service 's6' (2001:db8:2::30) is on vlan 100 but vserver 'v6' (2001:db8:9::20) is on the"
                                + " untagged LAN"),
                Arguments.of(
                        "add vlan 300\nbind vlan 300 -IPAddress 198.51.100.200 255.255.255.192",
                        14,
                        "subnet 198.51.100.192/26 overlaps 198.51.100.128/25 of vlan 200 (t.conf:6)"),
                Arguments.of(
                        "add vlan 300\nbind vlan 300 -IPAddress 198.51.0.1 255.255.0.0",
                        14,
                        "subnet 198.51.0.0/16 overlaps 198.51.100.0/25 of vlan 100 (t.conf:5)"),
                Arguments.of(
                        "add vlan 300\nbind vlan 300 -IPAddress 192.0.2.0 255.255.255.0",
                        14,
                        "-IPAddress 192.0.2.0 255.255.255.0 is no host address in a subnet"),
                Arguments.of(
                        "bind vlan 100 -IPAddress 192.0.2.1 255.0.255.0",
                        13,
                        "'255.0.255.0' is not a contiguous netmask"),
                Arguments.of("bind vlan 100 -ifnum eth0 -tagged yes", 13, "unexpected 'yes' in 'bind vlan'"),
                Arguments.of(
                        "bind vlan 100 -ipv6Address 2001:db8::1/64",
                        13,
                        "option -ipv6Address of 'bind vlan' is not supported"),
                Arguments.of("bind vlan 100 -speed 10", 13, "unknown option -speed for 'bind vlan'"),
                Arguments.of(
                        "add vlan 300\nbind vlan 300 -IPAddress 192.0.2.1 255.255.255.0",
                        13,
                        "vlan 300 owns a subnet but is bound to no interface"),
                Arguments.of(
                        "add vlan 300\nbind vlan 300 -ifnum eth0\nadd vlan 301\nbind vlan 301 -ifnum eth0",
                        16,
                        "vlan 300 is already the untagged VLAN of eth0 (t.conf:14); bind this one with -tagged"),
                Arguments.of(
                        "add lb vserver v3 ANY 198.51.100.129 *",
                        13,
                        "VIP 198.51.100.129 is vlan 200's own -IPAddress (t.conf:6)"),
                Arguments.of(
                        "add lb vserver v3 ANY 198.51.100.21 *\nbind lb vserver v3 tftp2",
                        14,
                        "service 'tftp2' (198.51.100.150) is on vlan 200 but vserver 'v3' (198.51.100.21) is on vlan"
                                + " 100: dsrlb forwards with the tag kept"),
                Arguments.of(
                        "add lb vserver v3 ANY 192.0.2.20 *\nbind lb vserver v3 tftp1",
                        14,
                        "is on vlan 100 but vserver 'v3' (192.0.2.20) is on the untagged LAN"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("errors")
    void rejects(String appended, int line, String fragment) {
        ConfigException e = assertThrows(ConfigException.class, () -> parse(TRUNK + appended + "\n"));
        String prefix = "t.conf:" + line + ": ";
        assertTrue(e.getMessage().startsWith(prefix), () -> "expected prefix " + prefix + " in " + e.getMessage());
        assertTrue(e.getMessage().contains(fragment), () -> "expected '" + fragment + "' in " + e.getMessage());
    }
}
