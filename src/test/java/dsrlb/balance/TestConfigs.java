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

/** The seed's topology as config records, built without the parser so balance tests stand alone. */
public final class TestConfigs {
    public static final int VIP = Ipv4.parse("198.51.100.20");
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

    private TestConfigs() {}

    /** A vserver {@code ANY VIP *} over services named tftp1..tftpN at 198.51.100.30+i. */
    public static DsrConfig anyStar(
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
            int ip = Ipv4.parse("198.51.100." + (30 + i));
            servers.put(Ipv4.format(ip), new ServerConfig(Ipv4.format(ip), IpAddress.ofIpv4(ip), HERE));
            svc.put(
                    name,
                    new ServiceConfig(
                            name,
                            Ipv4.format(ip),
                            IpAddress.ofIpv4(ip),
                            Protocol.ANY,
                            ServiceConfig.ANY_PORT,
                            ServiceState.ENABLED,
                            HERE));
            bindings.add(new Binding(name, weights.length > i ? weights[i] : 1, HERE));
        }
        VserverConfig vs = new VserverConfig(
                "tftp",
                Protocol.ANY,
                IpAddress.ofIpv4(VIP),
                ServiceConfig.ANY_PORT,
                persistence,
                timeoutMinutes,
                maxEntries,
                method,
                bindings,
                HERE);
        return new DsrConfig(
                List.of(new VipConfig(IpAddress.ofIpv4(VIP), 32, HERE)),
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
