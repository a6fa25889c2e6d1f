package dsrlb.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dsrlb.balance.TestConfigs;
import dsrlb.net.IpAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class InterfacePlanTest {
    static final InterfacePlan TWO = new InterfacePlan(List.of("eth0", "eth1"));

    private static DsrConfig parse(String text) throws ConfigException {
        return ConfigParser.parse("t.conf", text);
    }

    @Test
    void anAddressLivesOnItsVlansInterfaceAndOnTheFirstWhenOnNoVlan() throws Exception {
        DsrConfig cfg = parse(TestConfigs.TWO_LANS);
        assertEquals(0, TWO.indexOf(cfg, IpAddress.parse("198.51.100.20")));
        assertEquals(1, TWO.indexOf(cfg, IpAddress.parse("198.51.100.140")));
        assertEquals(1, TWO.indexOf(cfg, IpAddress.parse("198.51.100.150")));
        assertEquals(0, TWO.indexOf(cfg, IpAddress.parse("2001:db8::20")));
        // VIPs in config order: .20, .140, then the VIP6 (add ns ip6 comes first in the file,
        // but the vservers' VIPs are listed as the config holds them).
        boolean[] on0 = TWO.vipsOn(cfg, 0);
        boolean[] on1 = TWO.vipsOn(cfg, 1);
        for (int i = 0; i < cfg.vips().size(); i++) {
            IpAddress vip = cfg.vips().get(i).address();
            boolean onB = vip.equals(IpAddress.parse("198.51.100.140"));
            assertEquals(!onB, on0[i], vip.toString());
            assertEquals(onB, on1[i], vip.toString());
        }
        assertNull(TWO.mismatch(cfg));
    }

    @Test
    void theConfigNamesItsInterfacesTheDefaultLanFirst() throws Exception {
        DsrConfig cfg = parse(TestConfigs.TWO_LANS);
        // The VIP6 and its service are on no VLAN: they need the default LAN.
        assertEquals(IpAddress.parse("2001:db8::20"), InterfacePlan.firstOnDefaultLan(cfg));
        assertEquals(
                List.of("eth0", "eth1"), InterfacePlan.fromConfig(cfg, "eth0").names());
        assertEquals(
                List.of("eth2", "eth0", "eth1"),
                InterfacePlan.fromConfig(cfg, "eth2").names());
        DsrConfig trunk = parse(TestConfigs.VLAN_TRUNK);
        assertNull(InterfacePlan.firstOnDefaultLan(trunk));
        assertEquals(List.of("eth0"), InterfacePlan.fromConfig(trunk, null).names());
    }

    @Test
    void aVlanOnAnInterfaceNotServedIsRefusedWithItsLine() throws Exception {
        DsrConfig cfg = parse(TestConfigs.TWO_LANS);
        String why = InterfacePlan.single("eth0").mismatch(cfg);
        assertEquals(
                "t.conf:2: vlan 200 is bound to -ifnum eth1, but dsrlb serves eth0 (add --interface eth1, or"
                        + " leave --interface out to serve what the config names)",
                why);
    }

    @Test
    void anInterfaceThatWouldServeNoVipIsRefused() throws Exception {
        DsrConfig cfg = parse(TestConfigs.VLAN_TRUNK);
        String why = new InterfacePlan(List.of("eth0", "eth9")).mismatch(cfg);
        assertTrue(why.startsWith("interface eth9 would serve no VIP"), why);
        String first = new InterfacePlan(List.of("eth5", "eth0")).mismatch(cfg);
        assertTrue(first.startsWith("interface eth5 would serve no VIP: every VIP is on a VLAN"), first);
    }

    @Test
    void aServiceOnTheDefaultLanBehindAVipOnAnotherInterfaceIsRefused() throws Exception {
        // tftp3 is on no VLAN (the first interface), vserver b's VIP on eth1's VLAN.
        DsrConfig cfg = parse(TestConfigs.TWO_LANS + "add service tftp3 203.0.113.30 ANY *\nbind lb vserver b tftp3\n");
        String why = TWO.mismatch(cfg);
        assertEquals(
                "t.conf:18: service 'tftp3' (203.0.113.30) lives on interface eth0 but vserver 'b'"
                        + " (198.51.100.140) on eth1: a frame leaves on the interface it came in on, so a"
                        + " vserver's services share its VIP's interface",
                why);
    }

    @Test
    void twoUntaggedVlansOnDifferentInterfacesCannotShareAVserver() {
        ConfigException e = assertThrows(
                ConfigException.class,
                () -> parse(TestConfigs.TWO_LANS.replace("bind lb vserver b tftp2", "bind lb vserver b tftp1")));
        assertTrue(
                e.getMessage()
                        .contains("service 'tftp1' (198.51.100.30) is on vlan 100 (-ifnum eth0) but vserver 'b'"
                                + " (198.51.100.140) is on vlan 200 (-ifnum eth1)"),
                e.getMessage());
    }

    @Test
    void aPlanNamesEachInterfaceOnce() {
        assertThrows(IllegalArgumentException.class, () -> new InterfacePlan(List.of()));
        assertThrows(IllegalArgumentException.class, () -> new InterfacePlan(List.of("eth0", "eth0")));
        assertArrayEquals(
                new boolean[0],
                TWO.vipsOn(
                        new DsrConfig(
                                List.of(),
                                List.of(),
                                java.util.Map.of(),
                                java.util.Map.of(),
                                java.util.Map.of(),
                                List.of()),
                        0));
    }
}
