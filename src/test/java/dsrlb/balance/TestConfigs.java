package dsrlb.balance;

import dsrlb.config.Binding;
import dsrlb.config.DsrConfig;
import dsrlb.config.LbMethod;
import dsrlb.config.PersistenceType;
import dsrlb.config.Protocol;
import dsrlb.config.ServerConfig;
import dsrlb.config.ServiceConfig;
import dsrlb.config.ServiceState;
import dsrlb.config.SourceLocation;
import dsrlb.config.VipConfig;
import dsrlb.config.VserverConfig;
import dsrlb.net.IpAddress;
import dsrlb.net.Ipv4;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/** The seed's topology as config records, built without the parser so balance tests stand alone. */
public final class TestConfigs {
    public static final int VIP = Ipv4.parse("198.51.100.20");
    /** The IPv6 VIP of {@link #anyStar6} and {@link #DUAL_STACK}. */
    public static final IpAddress VIP6 = IpAddress.parse("2001:db8::20");

    private static final SourceLocation HERE = new SourceLocation("test", 1);

    /**
     * The dialect text of a trunk: two tagged VLANs on eth0, each a /25 of 198.51.100.0/24 with a VIP
     * and a server (VLAN 100: VIP .20, tftp1 .30; VLAN 200: VIP .140, tftp2 .150).
     */
    public static final String VLAN_TRUNK = """
            add vlan 100
            add vlan 200 -aliasName servers-b
            bind vlan 100 -ifnum eth0 -tagged
            bind vlan 200 -ifnum eth0 -tagged
            bind vlan 100 -IPAddress 198.51.100.1 255.255.255.128
            bind vlan 200 -IPAddress 198.51.100.129 255.255.255.128
            add service tftp1 198.51.100.30 ANY *
            add service tftp2 198.51.100.150 ANY *
            add lb vserver v100 ANY 198.51.100.20 * -persistenceType SOURCEIP -timeout 100 -m MAC
            add lb vserver v200 ANY 198.51.100.140 * -persistenceType SOURCEIP -timeout 100 -m MAC
            bind lb vserver v100 tftp1
            bind lb vserver v200 tftp2
            """;

    /**
     * The dialect text of one dsrlb on two interfaces (lab/up --lans): eth0's untagged VLAN 100
     * (198.51.100.0/25, VIP .20, tftp1 .30) and eth1's untagged VLAN 200 (198.51.100.128/25, VIP
     * .140, tftp2 .150); an IPv6 VIP and service, on no VLAN, live on the first interface.
     */
    public static final String TWO_LANS = """
            add vlan 100
            add vlan 200
            bind vlan 100 -ifnum eth0
            bind vlan 200 -ifnum eth1
            bind vlan 100 -IPAddress 198.51.100.10 255.255.255.128
            bind vlan 200 -IPAddress 198.51.100.138 255.255.255.128
            add ns ip6 2001:db8::20/128 -type VIP
            add service tftp1 198.51.100.30 ANY *
            add service tftp2 198.51.100.150 ANY *
            add service tftp6 2001:db8::30 ANY *
            add lb vserver a ANY 198.51.100.20 * -persistenceType SOURCEIP -timeout 100 -m MAC
            add lb vserver b ANY 198.51.100.140 * -persistenceType SOURCEIP -timeout 100 -m MAC
            add lb vserver v6 ANY 2001:db8::20 * -persistenceType SOURCEIP -timeout 100 -m MAC
            bind lb vserver a tftp1
            bind lb vserver b tftp2
            bind lb vserver v6 tftp6
            """;

    /**
     * The trunk of {@link #VLAN_TRUNK} with IPv6 on both VLANs: VLAN 100 2001:db8:2::/64 (the LB
     * host's -IPAddress ::1, VIP6 ::20 by {@code add ns ip6 -vlan 100}, {@code tftp1-6} ::30),
     * VLAN 200 2001:db8:3::/64 (-IPAddress ::1, VIP6 ::20 of a vserver, {@code tftp2-6} ::31).
     */
    public static final String VLAN_TRUNK6 = """
            add vlan 100
            add vlan 200
            bind vlan 100 -ifnum eth0 -tagged
            bind vlan 200 -ifnum eth0 -tagged
            bind vlan 100 -IPAddress 198.51.100.1 255.255.255.128
            bind vlan 200 -IPAddress 198.51.100.129 255.255.255.128
            bind vlan 100 -IPAddress 2001:db8:2::1/64
            bind vlan 200 -IPAddress 2001:db8:3::1/64
            add ns ip6 2001:db8:2::20 -type VIP -vlan 100
            add service tftp1-6 2001:db8:2::30 ANY *
            add service tftp2-6 2001:db8:3::31 ANY *
            add lb vserver v100-6 ANY 2001:db8:2::20 * -persistenceType SOURCEIP -timeout 100 -m MAC
            add lb vserver v200-6 ANY 2001:db8:3::20 * -persistenceType SOURCEIP -timeout 100 -m MAC
            bind lb vserver v100-6 tftp1-6
            bind lb vserver v200-6 tftp2-6
            """;

    /**
     * The dialect text of one LAN with an IPv4 VIP and an IPv6 one: {@code tftp4} (ANY .20 *,
     * SOURCEIP) over v4 at .30; on 2001:db8::20 a port vserver {@code tftp6} (UDP 69, no
     * persistence) over a6 at 2001:db8::30 and a wildcard one {@code any6} (ANY *) over b6 at
     * 2001:db8::31, so that a packet without a port (a later fragment) can only go to b6.
     */
    public static final String DUAL_STACK = """
            add ns ip 198.51.100.20 255.255.255.255 -type VIP
            add ns ip6 2001:db8::20/128 -type VIP
            add service v4 198.51.100.30 ANY *
            add service a6 2001:db8::30 ANY *
            add service b6 2001:db8::31 ANY *
            add lb vserver tftp4 ANY 198.51.100.20 * -persistenceType SOURCEIP -timeout 100 -m MAC
            add lb vserver tftp6 UDP 2001:db8::20 69 -persistenceType NONE -lbMethod ROUNDROBIN -m MAC
            add lb vserver any6 ANY 2001:db8::20 * -persistenceType NONE -lbMethod ROUNDROBIN -m MAC
            bind lb vserver tftp4 v4
            bind lb vserver tftp6 a6
            bind lb vserver any6 b6
            """;

    private TestConfigs() {}

    /**
     * {@link #anyStar} for IPv6: a vserver {@code ANY VIP6 *} over services named tftp1..tftpN at
     * 2001:db8::30+i (hex), the VIP a /128.
     */
    public static DsrConfig anyStar6(
            int services, LbMethod method, PersistenceType persistence, int timeoutMinutes, long maxEntries) {
        return anyStar(
                VIP6,
                128,
                i -> new IpAddress(VIP6.high(), 0x30 + i),
                services,
                method,
                persistence,
                timeoutMinutes,
                maxEntries);
    }

    /** A vserver {@code ANY VIP *} over services named tftp1..tftpN at 198.51.100.30+i. */
    public static DsrConfig anyStar(
            int services,
            LbMethod method,
            PersistenceType persistence,
            int timeoutMinutes,
            long maxEntries,
            int... weights) {
        return anyStar(
                IpAddress.ofIpv4(VIP),
                32,
                i -> IpAddress.ofIpv4(Ipv4.parse("198.51.100." + (30 + i))),
                services,
                method,
                persistence,
                timeoutMinutes,
                maxEntries,
                weights);
    }

    private static DsrConfig anyStar(
            IpAddress vip,
            int prefixLength,
            IntFunction<IpAddress> serviceAddress,
            int services,
            LbMethod method,
            PersistenceType persistence,
            int timeoutMinutes,
            long maxEntries,
            int... weights) {
        Map<String, ServerConfig> servers = new LinkedHashMap<>();
        Map<String, ServiceConfig> svc = new LinkedHashMap<>();
        List<Binding> bindings = new ArrayList<>();
        for (int i = 0; i < services; i++) {
            String name = "tftp" + (i + 1);
            IpAddress address = serviceAddress.apply(i);
            servers.put(address.format(), new ServerConfig(address.format(), address, HERE));
            svc.put(
                    name,
                    new ServiceConfig(
                            name,
                            address.format(),
                            address,
                            Protocol.ANY,
                            ServiceConfig.ANY_PORT,
                            ServiceState.ENABLED,
                            HERE));
            bindings.add(new Binding(name, weights.length > i ? weights[i] : 1, HERE));
        }
        VserverConfig vs = new VserverConfig(
                "tftp",
                Protocol.ANY,
                vip,
                ServiceConfig.ANY_PORT,
                persistence,
                timeoutMinutes,
                maxEntries,
                method,
                bindings,
                HERE);
        return new DsrConfig(
                List.of(new VipConfig(vip, prefixLength, HERE)),
                List.of(),
                servers,
                svc,
                Map.of("tftp", vs),
                List.of());
    }

    public static DsrConfig seed() {
        return anyStar(2, LbMethod.ROUNDROBIN, PersistenceType.SOURCEIP, 100, 1_000_000);
    }
}
