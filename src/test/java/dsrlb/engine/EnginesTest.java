package dsrlb.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dsrlb.balance.TestConfigs;
import dsrlb.config.ConfigParser;
import dsrlb.config.DsrConfig;
import dsrlb.config.InterfacePlan;
import dsrlb.dataplane.NetworkInterfaceInfo;
import dsrlb.net.MacAddress;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The reasons auto gives for skipping an engine, decided before anything is opened. */
class EnginesTest {
    static final Capabilities NET_RAW_ONLY = new Capabilities(1L << Capabilities.CAP_NET_RAW);
    static final Capabilities NONE = new Capabilities(0);

    @Test
    void withoutCapNetAdminTheKernelPathIsSkippedAndSaysSo() {
        Optional<String> why = Engines.whyNot(EngineKind.OFFLOAD, TestConfigs.seed(), NET_RAW_ONLY);
        assertTrue(why.orElseThrow().startsWith("no CAP_NET_ADMIN"), why.toString());
    }

    @Test
    void withoutCapNetRawNoEngineCanRun() {
        for (EngineKind k : EngineKind.AUTO_ORDER) {
            assertTrue(
                    Engines.whyNot(k, TestConfigs.seed(), NONE).orElseThrow().startsWith("no CAP_NET_RAW"), k.name());
        }
    }

    @Test
    void aConfigWithNothingToOffloadSkipsTheKernelPathWithTheVips() throws Exception {
        DsrConfig portOnly = ConfigParser.parse("t.conf", """
                add server s1 198.51.100.30
                add service svc1 s1 UDP 69
                add lb vserver v UDP 198.51.100.20 69 -persistenceType SOURCEIP
                bind lb vserver v svc1
                """);
        Optional<String> why = Engines.whyNot(EngineKind.OFFLOAD, portOnly, new Capabilities(-1L));
        assertTrue(why.orElseThrow().startsWith("no VIP can be offloaded"), why.toString());
        assertTrue(why.get().contains("198.51.100.20"), why.get());
    }

    @Test
    void anIpv6VipNoLongerKeepsTheKernelPathFromTheIpv4Vips() throws Exception {
        DsrConfig dual = ConfigParser.parse("t.conf", """
                add ns ip6 2001:db8:2::20/128 -type VIP
                add server s1 198.51.100.30
                add server s1-6 2001:db8:2::30
                add service svc1 s1 ANY *
                add service svc1-6 s1-6 ANY *
                add lb vserver v ANY 198.51.100.20 * -persistenceType SOURCEIP
                add lb vserver v6 ANY 2001:db8:2::20 * -persistenceType SOURCEIP
                bind lb vserver v svc1
                bind lb vserver v6 svc1-6
                """);
        Optional<String> why = Engines.whyNot(EngineKind.OFFLOAD, dual, new Capabilities(-1L));
        // On a host without nftables the kernel path's own check may still answer; never about IPv6.
        assertTrue(why.isEmpty() || !why.get().contains("IPv6"), why.toString());
        assertTrue(why.isEmpty() || !why.get().startsWith("no VIP can be offloaded"), why.toString());
    }

    @Test
    void vipsOnATaggedVlanNoLongerKeepAutoFromTheKernelPath() throws Exception {
        DsrConfig trunk = ConfigParser.parse("t.conf", TestConfigs.VLAN_TRUNK);
        Optional<String> why = Engines.whyNot(EngineKind.OFFLOAD, trunk, new Capabilities(-1L));
        // On a host without nftables the kernel path's own check may still answer; never about VLANs.
        assertTrue(
                why.isEmpty() || !why.get().toLowerCase(java.util.Locale.ROOT).contains("vlan"), why.toString());
    }

    @Test
    void autoTriesTheKernelPathFirst() {
        assertEquals(EngineKind.OFFLOAD, EngineKind.AUTO_ORDER.get(0));
        assertEquals(EngineKind.PCAP, EngineKind.AUTO_ORDER.get(EngineKind.AUTO_ORDER.size() - 1));
    }

    @Test
    void theCaptureFilterTakesArpAndTheVipsButNeverOurOwnFrames() {
        NetworkInterfaceInfo nif = new NetworkInterfaceInfo("eth0", MacAddress.parse("02:00:00:00:00:10"), 0, 24);
        assertEquals(
                "not ether src 02:00:00:00:00:10 and (arp or (ip and (dst host 198.51.100.20)))",
                Engines.captureFilter(TestConfigs.seed(), nif));
    }

    @Test
    void onOneOfSeveralInterfacesTheCaptureFilterTakesThatInterfacesVipsOnly() throws Exception {
        DsrConfig cfg = ConfigParser.parse("t.conf", TestConfigs.TWO_LANS);
        InterfacePlan plan = new InterfacePlan(List.of("eth0", "eth1"));
        NetworkInterfaceInfo eth1 = new NetworkInterfaceInfo("eth1", MacAddress.parse("02:00:00:00:00:12"), 0, 25);
        assertEquals(
                "not ether src 02:00:00:00:00:12 and (arp or (ip and (dst host 198.51.100.140)))",
                Engines.captureFilter(cfg, eth1, plan.vipsOn(cfg, 1)));
        NetworkInterfaceInfo eth0 = new NetworkInterfaceInfo("eth0", MacAddress.parse("02:00:00:00:00:10"), 0, 25);
        assertEquals(
                "not ether src 02:00:00:00:00:10 and (arp or (ip and (dst host 198.51.100.20))"
                        + " or icmp6 or (ip6 and (dst host 2001:db8::20)))",
                Engines.captureFilter(cfg, eth0, plan.vipsOn(cfg, 0)));
    }
}
