package dsrlb.offload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dsrlb.balance.TestConfigs;
import dsrlb.config.ConfigParser;
import dsrlb.config.DsrConfig;
import dsrlb.config.InterfacePlan;
import dsrlb.config.LbMethod;
import dsrlb.config.PersistenceType;
import dsrlb.net.IpAddress;
import dsrlb.net.Ipv4;
import dsrlb.net.MacAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class OffloadRulesetTest {
    static final MacAddress LB = MacAddress.parse("02:00:00:00:00:10");

    @Test
    void theSeedVipIsOffloadedWithItsPersistenceTimeout() {
        List<OffloadRuleset.VipRule> rules = OffloadEngine.vipRules(TestConfigs.seed());
        assertEquals(
                List.of(new OffloadRuleset.VipRule(0, IpAddress.ofIpv4(TestConfigs.VIP), true, 6000, 1_000_000)),
                rules);
    }

    @Test
    void offloadMaxClientsBoundsTheMapBelowTheVserversTable() {
        assertEquals(
                32_768,
                OffloadEngine.vipRules(TestConfigs.seed(), 32_768).get(0).maxEntries());
        assertEquals(
                1_000_000,
                OffloadEngine.vipRules(TestConfigs.seed(), 5_000_000).get(0).maxEntries());
        String text = new OffloadRuleset(
                        "t", "eth0", "m", "c", LB, OffloadEngine.vipRules(TestConfigs.seed(), 32_768), 1)
                .create();
        assertTrue(text.contains("map client_0 { type ipv4_addr : ether_addr; size 32768;"), text);
    }

    @Test
    void theDefaultBoundIsAnEighthOfTheHeapAtItsCostPerClient() {
        assertEquals(385, OffloadEngine.BYTES_PER_KERNEL_CLIENT);
        assertEquals(512L * 1024 * 1024 / 8 / 385, OffloadEngine.defaultMaxClients(512L * 1024 * 1024));
        assertEquals(1_024, OffloadEngine.defaultMaxClients(1024 * 1024));
        assertEquals(1_000_000, OffloadEngine.defaultMaxClients(8L * 1024 * 1024 * 1024));
    }

    @Test
    void theKernelForwardsKnownClientsAndHandsTheRestAndArpToTheCaptureVeth() {
        String text = new OffloadRuleset(
                        "dsrlb_2", "eth0", "dsrlbm2", "dsrlbc2", LB, OffloadEngine.vipRules(TestConfigs.seed()), 4242)
                .create();
        assertTrue(text.contains("counter dsrlb_pid_4242 { }"), "the owner's mark: " + text);
        assertTrue(
                text.contains("map client_0 { type ipv4_addr : ether_addr; size 1000000; flags dynamic,timeout; "
                        + "timeout 6000s; }"),
                text);
        assertTrue(text.contains("ether type arp dup to \"dsrlbm2\"\n"), text);
        assertTrue(
                text.contains("ether daddr 02:00:00:00:00:10 ip daddr 198.51.100.20 ether daddr set ip saddr map "
                        + "@client_0 update @client_0 { ip saddr : ether daddr } ether saddr set 02:00:00:00:00:10 counter "
                        + "name \"offloaded_0\" fwd to \"eth0\"\n"),
                text);
        int rrqRule =
                text.indexOf("ether daddr 02:00:00:00:00:10 ip daddr 198.51.100.20 udp dport 69 fwd to \"dsrlbm2\"\n");
        int kernelRule = text.indexOf("fwd to \"eth0\"");
        assertTrue(rrqRule > 0 && rrqRule < kernelRule, "every RRQ reaches dsrlb, before the map's rule: " + text);
        int missRule = text.indexOf("ip daddr 198.51.100.20 fwd to \"dsrlbm2\"");
        assertTrue(kernelRule > 0 && missRule > kernelRule, "a miss falls through to the capture veth: " + text);
        assertTrue(text.contains("type filter hook ingress device \"dsrlbc2\" priority 0; policy drop;"), text);
    }

    @Test
    void withoutPersistenceOrHashEveryFrameStaysInUserSpace() {
        DsrConfig rr = TestConfigs.anyStar(2, LbMethod.ROUNDROBIN, PersistenceType.NONE, 2, 100);
        assertFalse(OffloadEngine.vipRules(rr).get(0).offloaded());
        String text = new OffloadRuleset("t", "eth0", "m", "c", LB, OffloadEngine.vipRules(rr), 1).create();
        assertFalse(text.contains("map "), text);
        assertTrue(text.contains("ip daddr 198.51.100.20 fwd to \"m\""), text);
        assertTrue(OffloadEngine.vipRules(TestConfigs.anyStar(2, LbMethod.SOURCEIPHASH, PersistenceType.NONE, 2, 100))
                .get(0)
                .offloaded());
    }

    @Test
    void aPortSpecificVserverStaysInUserSpace() throws Exception {
        DsrConfig cfg = ConfigParser.parse("t.conf", """
                add server s1 198.51.100.30
                add service svc1 s1 UDP 69
                add lb vserver v UDP 198.51.100.20 69 -persistenceType SOURCEIP
                bind lb vserver v svc1
                """);
        assertFalse(OffloadEngine.vipRules(cfg).get(0).offloaded());
    }

    static final String DUAL = """
            add ns ip6 2001:db8:2::20/128 -type VIP
            add server s1 198.51.100.30
            add server s1-6 2001:db8:2::30
            add service svc1 s1 ANY *
            add service svc1-6 s1-6 ANY *
            add lb vserver v ANY 198.51.100.20 * -persistenceType SOURCEIP -timeout 2
            add lb vserver v6 ANY 2001:db8:2::20 * -persistenceType SOURCEIP -timeout 2
            bind lb vserver v svc1
            bind lb vserver v6 svc1-6
            """;

    @Test
    void bothFamiliesAreOffloadedAndNeighborDiscoveryReachesDsrlbBeforeAnyVipRule() throws Exception {
        DsrConfig cfg = ConfigParser.parse("t.conf", DUAL);
        List<OffloadRuleset.VipRule> rules = OffloadEngine.vipRules(cfg);
        assertEquals(2, rules.size());
        // The ns ip6 line comes first: the VIP6 is #0, the vserver's IPv4 VIP #1.
        assertEquals(
                List.of(
                        new OffloadRuleset.VipRule(0, IpAddress.parse("2001:db8:2::20"), true, 120, 1_000_000),
                        new OffloadRuleset.VipRule(1, IpAddress.parse("198.51.100.20"), true, 120, 1_000_000)),
                rules);
        String text = new OffloadRuleset("dsrlb_2", "eth0", "dsrlbm2", "dsrlbc2", LB, rules, 1).create();
        assertTrue(text.contains("map client_1 { type ipv4_addr : ether_addr; size 1000000;"), text);
        assertTrue(text.contains("ip daddr 198.51.100.20 ether daddr set ip saddr map @client_1"), text);
        // The VIP6's clients by their IPv6 source, in a map of their own.
        assertTrue(
                text.contains("map client_0 { type ipv6_addr : ether_addr; size 1000000; flags dynamic,timeout; "
                        + "timeout 120s; }"),
                text);
        assertTrue(
                text.contains(
                        "    ether daddr 02:00:00:00:00:10 ip6 daddr 2001:db8:2::20 ether daddr set ip6 saddr map "
                                + "@client_0 update @client_0 { ip6 saddr : ether daddr } ether saddr set 02:00:00:00:00:10 "
                                + "counter name \"offloaded_0\" fwd to \"eth0\"\n"),
                text);
        assertTrue(
                text.indexOf("ip6 daddr 2001:db8:2::20 udp dport 69 fwd to \"dsrlbm2\"")
                        < text.indexOf("ip6 saddr map @client_0"),
                "every IPv6 RRQ reaches dsrlb: " + text);
        int ndToVip = text.indexOf("    ip6 daddr { 2001:db8:2::20 } icmpv6 type { nd-neighbor-solicit, "
                + "nd-neighbor-advert } fwd to \"dsrlbm2\"\n");
        int ndCopy = text.indexOf("    icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert } dup to \"dsrlbm2\"\n");
        int firstVip = text.indexOf("ether daddr 02:00:00:00:00:10 ip");
        assertTrue(ndToVip > 0, "ND to a VIP6 is dsrlb's alone: " + text);
        assertTrue(ndCopy > ndToVip, "other ND (solicited-node group, advertisements to us) is copied: " + text);
        assertTrue(firstVip > ndCopy, "ND is taken before any VIP rule could forward it: " + text);
        assertTrue(
                text.contains("    ether daddr 02:00:00:00:00:10 ip6 daddr 2001:db8:2::20 fwd to \"dsrlbm2\"\n"),
                "the VIP6's frames reach dsrlb: " + text);
    }

    /** The rule lines of a table's ingress chain that send a frame back out of the LAN interface. */
    private static List<String> kernelForwards(String text) {
        return text.lines().filter(l -> l.endsWith("fwd to \"eth0\"")).toList();
    }

    @Test
    void onATrunkEachVipsKernelRuleTakesOnlyFramesTaggedWithItsVlan() throws Exception {
        List<OffloadRuleset.VipRule> rules =
                OffloadEngine.vipRules(ConfigParser.parse("t.conf", TestConfigs.VLAN_TRUNK));
        assertEquals(
                List.of(
                        new OffloadRuleset.VipRule(0, IpAddress.parse("198.51.100.20"), true, 6000, 1_000_000, 100),
                        new OffloadRuleset.VipRule(1, IpAddress.parse("198.51.100.140"), true, 6000, 1_000_000, 200)),
                rules);
        String text = new OffloadRuleset("dsrlb_2", "eth0", "dsrlbm2", "dsrlbc2", LB, rules, 1).create();
        // The kernel takes the tag into the packet's metadata before the netdev hook; nft reads it
        // back in place, so "vlan id" matches and an untagged rule ("ether type ip") does not.
        assertEquals(
                List.of(
                        "    ether daddr 02:00:00:00:00:10 vlan id 100 ip daddr 198.51.100.20 ether daddr set ip saddr"
                                + " map @client_0 update @client_0 { ip saddr : ether daddr } ether saddr set"
                                + " 02:00:00:00:00:10 counter name \"offloaded_0\" fwd to \"eth0\"",
                        "    ether daddr 02:00:00:00:00:10 vlan id 200 ip daddr 198.51.100.140 ether daddr set ip saddr"
                                + " map @client_1 update @client_1 { ip saddr : ether daddr } ether saddr set"
                                + " 02:00:00:00:00:10 counter name \"offloaded_1\" fwd to \"eth0\""),
                kernelForwards(text),
                "a VIP's clients are forwarded only from its own VLAN, with the map of its own backends: " + text);
        int rrq = text.indexOf(
                "    ether daddr 02:00:00:00:00:10 vlan id 100 ip daddr 198.51.100.20 udp dport 69 fwd to \"dsrlbm2\"\n");
        int kernel = text.indexOf("@client_0 update");
        int rest = text.indexOf(
                "    ether daddr 02:00:00:00:00:10 meta protocol ip ip daddr 198.51.100.20 fwd to \"dsrlbm2\"\n");
        assertTrue(rrq > 0 && rrq < kernel, "every tagged RRQ reaches dsrlb before the map's rule: " + text);
        assertTrue(rest > kernel, "the rest, on any VLAN or none, reaches dsrlb (wrong_vlan is its to count): " + text);
        assertTrue(
                text.contains("    ether daddr 02:00:00:00:00:10 meta protocol ip ip daddr 198.51.100.140 fwd to "
                        + "\"dsrlbm2\"\n"),
                text);
        int untaggedArp = text.indexOf("    ether type arp dup to \"dsrlbm2\"\n");
        int taggedArp = text.indexOf("    vlan type arp dup to \"dsrlbm2\"\n");
        assertTrue(untaggedArp > 0 && taggedArp > 0, "dsrlb gets a copy of ARP, tagged or not: " + text);
        assertTrue(taggedArp < text.indexOf("ether daddr 02:00:00:00:00:10 vlan id"), text);
    }

    @Test
    void onATrunkAnUntaggedVipStillForwardsUntaggedFramesOnly() throws Exception {
        DsrConfig cfg = ConfigParser.parse("t.conf", TestConfigs.VLAN_TRUNK + """
                add ns ip 203.0.113.20 255.255.255.255 -type VIP
                add service plain 203.0.113.30 ANY *
                add lb vserver v0 ANY 203.0.113.20 * -persistenceType SOURCEIP -timeout 100 -m MAC
                bind lb vserver v0 plain
                """);
        List<OffloadRuleset.VipRule> rules = OffloadEngine.vipRules(cfg);
        OffloadRuleset.VipRule plain = rules.stream()
                .filter(r -> r.vip().equals(IpAddress.parse("203.0.113.20")))
                .findFirst()
                .orElseThrow();
        assertEquals(0, plain.vlan());
        String text = new OffloadRuleset("t", "eth0", "m", "c", LB, rules, 1).create();
        // "ether daddr … ip daddr" without "vlan id": nft makes it "ether type ip", which a
        // tagged frame (read back as 8021q) never is, so no tagged frame leaves untagged.
        List<String> forwards = kernelForwards(text);
        assertEquals(3, forwards.size(), text);
        for (String line : forwards) {
            assertEquals(line.contains("203.0.113.20"), !line.contains("vlan id"), line);
        }
        assertTrue(
                text.contains(
                        "    ether daddr 02:00:00:00:00:10 meta protocol ip ip daddr 203.0.113.20 fwd to \"m\"\n"),
                "a frame for it with a tag reaches dsrlb, which drops it as wrong_vlan: " + text);
    }

    @Test
    void aVip6OnAVlanIsMatchedByItsTagAsAnIpv4One() {
        // The config puts IPv6 addresses on the untagged LAN today; the rules do not assume it.
        List<OffloadRuleset.VipRule> rules =
                List.of(new OffloadRuleset.VipRule(0, IpAddress.parse("2001:db8:2::20"), true, 60, 100, 100));
        String text = new OffloadRuleset("t", "eth0", "m", "c", LB, rules, 1).create();
        assertEquals(
                List.of(
                        "    ether daddr 02:00:00:00:00:10 vlan id 100 ip6 daddr 2001:db8:2::20 ether daddr set ip6 saddr"
                                + " map @client_0 update @client_0 { ip6 saddr : ether daddr } ether saddr set"
                                + " 02:00:00:00:00:10 counter name \"offloaded_0\" fwd to \"eth0\""),
                kernelForwards(text));
        assertTrue(
                text.contains(
                        "    ether daddr 02:00:00:00:00:10 meta protocol ip6 ip6 daddr 2001:db8:2::20 fwd to \"m\"\n"),
                text);
        // Neighbor Discovery rules match by "meta protocol ip6" already: tagged or not.
        assertTrue(text.indexOf("icmpv6 type") < text.indexOf("vlan id 100"), text);
    }

    @Test
    void aVlanChangeIsAChangeOfTheKernelRules() {
        IpAddress vip = IpAddress.parse("198.51.100.20");
        // ReloadReconciler rebuilds the table when the rules differ.
        assertFalse(new OffloadRuleset.VipRule(0, vip, true, 60, 10, 100)
                .equals(new OffloadRuleset.VipRule(0, vip, true, 60, 10, 200)));
        assertEquals(
                new OffloadRuleset.VipRule(0, vip, true, 60, 10), new OffloadRuleset.VipRule(0, vip, true, 60, 10, 0));
        assertThrows(IllegalArgumentException.class, () -> new OffloadRuleset.VipRule(0, vip, true, 60, 10, 4095));
    }

    @Test
    void anUntaggedConfigsTableMentionsNoVlan() {
        String text =
                new OffloadRuleset("t", "eth0", "m", "c", LB, OffloadEngine.vipRules(TestConfigs.seed()), 1).create();
        assertFalse(text.contains("vlan"), text);
        assertFalse(text.contains("meta protocol"), text);
    }

    @Test
    void anIpv4OnlyConfigLeavesNeighborDiscoveryToTheKernel() {
        String text =
                new OffloadRuleset("t", "eth0", "m", "c", LB, OffloadEngine.vipRules(TestConfigs.seed()), 1).create();
        assertFalse(text.contains("icmpv6"), text);
        assertFalse(text.contains("ip6"), text);
    }

    @Test
    void ipv6ElementsAreWrittenInRfc5952Text() {
        OffloadRuleset r = new OffloadRuleset("t", "eth0", "m", "c", LB, List.of(), 1);
        assertEquals(
                """
                add element netdev t client_0 { 2001:db8:1::100 : 02:00:00:00:00:30 }
                delete element netdev t client_0 { 2001:db8:1::100 }
                """,
                r.removeElement(0, IpAddress.parse("2001:db8:1:0:0:0:0:100"), MacAddress.parse("02:00:00:00:00:30")));
    }

    @Test
    void removingAClientNeverFailsOnAnElementTheKernelAlreadyDropped() {
        OffloadRuleset r = new OffloadRuleset("t", "eth0", "m", "c", LB, List.of(), 1);
        assertEquals("""
                add element netdev t client_0 { 192.0.2.10 : 02:00:00:00:00:30 }
                delete element netdev t client_0 { 192.0.2.10 }
                """, r.removeElement(0, Ipv4.parse("192.0.2.10"), MacAddress.parse("02:00:00:00:00:30")));
    }

    @Test
    void namesThatCouldBreakOutOfNftsQuotesAreRefused() {
        for (String bad : new String[] {"eth0\" accept", "eth 0", "a/b", "", "sixteen-chars-xx"}) {
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class,
                    () -> new OffloadRuleset("t", bad, "m", "c", LB, List.of(), 1),
                    bad);
            assertTrue(e.getMessage().contains("not an interface name"), e.getMessage());
        }
        new OffloadRuleset("t", "eth0.20", "dsrlbm2", "dsrlbc2", LB, List.of(), 1);
    }

    @Test
    void anInterfacesTableHoldsRulesForItsOwnVipsOnlyUnderTheirConfigIndex() throws Exception {
        DsrConfig cfg = ConfigParser.parse("t.conf", TestConfigs.TWO_LANS);
        InterfacePlan plan = new InterfacePlan(List.of("eth0", "eth1"));
        List<OffloadRuleset.VipRule> onEth1 = OffloadEngine.vipRules(cfg, 32_768, plan.vipsOn(cfg, 1));
        assertEquals(1, onEth1.size());
        assertEquals(IpAddress.parse("198.51.100.140"), onEth1.get(0).vip());
        // Its index in the forwarding state, not in this table: the forwarder's decisions name it so.
        assertEquals(
                cfg.vips().stream()
                        .map(v -> v.address())
                        .toList()
                        .indexOf(onEth1.get(0).vip()),
                onEth1.get(0).index());
        String text = new OffloadRuleset("dsrlb_3", "eth1", "m", "c", LB, onEth1, 1).create();
        assertTrue(text.contains("ip daddr 198.51.100.140"), text);
        assertFalse(text.contains("198.51.100.20"), text);
        assertFalse(text.contains("2001:db8::20"), text);
        assertEquals(
                cfg.vips().size() - 1,
                OffloadEngine.vipRules(cfg, 32_768, plan.vipsOn(cfg, 0)).size());
    }
}
