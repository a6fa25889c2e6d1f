package dsrlb.config;

import dsrlb.net.IpAddress;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A whole loaded configuration. Maps keep the order of the file, so start-up logs and
 * round robin follow the order the operator wrote.
 *
 * @param notices informational lines ({@code file:line: text}) in file order: options accepted but
 *     without meaning here, each reported once, and NetScaler defaults that dsrlb does not share
 * @param vlans the 802.1Q VLANs ({@code add vlan}, {@code bind vlan}); empty: everything is untagged
 */
public record DsrConfig(
        List<VipConfig> vips,
        List<RouteConfig> routes,
        Map<String, ServerConfig> servers,
        Map<String, ServiceConfig> services,
        Map<String, VserverConfig> vservers,
        Map<String, MonitorConfig> monitors,
        List<MonitorBinding> monitorBindings,
        List<String> notices,
        List<VlanConfig> vlans) {
    /** A config without VLANs. */
    public DsrConfig(
            List<VipConfig> vips,
            List<RouteConfig> routes,
            Map<String, ServerConfig> servers,
            Map<String, ServiceConfig> services,
            Map<String, VserverConfig> vservers,
            Map<String, MonitorConfig> monitors,
            List<MonitorBinding> monitorBindings,
            List<String> notices) {
        this(vips, routes, servers, services, vservers, monitors, monitorBindings, notices, List.of());
    }

    /** A config without monitors. */
    public DsrConfig(
            List<VipConfig> vips,
            List<RouteConfig> routes,
            Map<String, ServerConfig> servers,
            Map<String, ServiceConfig> services,
            Map<String, VserverConfig> vservers,
            List<String> notices) {
        this(vips, routes, servers, services, vservers, Map.of(), List.of(), notices);
    }

    public DsrConfig {
        vips = List.copyOf(vips);
        routes = List.copyOf(routes);
        servers = Collections.unmodifiableMap(new LinkedHashMap<>(servers));
        services = Collections.unmodifiableMap(new LinkedHashMap<>(services));
        vservers = Collections.unmodifiableMap(new LinkedHashMap<>(vservers));
        monitors = Collections.unmodifiableMap(new LinkedHashMap<>(monitors));
        monitorBindings = List.copyOf(monitorBindings);
        notices = List.copyOf(notices);
        vlans = List.copyOf(vlans);
    }

    /**
     * The VLAN whose {@code -IPAddress} subnet holds {@code address}, or null (untagged, no VLAN):
     * an IPv4 address by the VLANs' IPv4 subnets, an IPv6 one by their IPv6 subnets.
     */
    public VlanConfig vlanOf(IpAddress address) {
        for (VlanConfig v : vlans) {
            if (v.subnetOf(address) != null) {
                return v;
            }
        }
        return null;
    }

    /** The VLAN whose {@code -IPAddress} subnet holds the IPv4 {@code address}, or null. */
    public VlanConfig vlanOf(int address) {
        return vlanOf(IpAddress.ofIpv4(address));
    }

    /** The 802.1Q tag frames to and from {@code address} carry on the wire; 0 for untagged. */
    public int tagOf(IpAddress address) {
        VlanConfig v = vlanOf(address);
        return v == null ? 0 : v.tag();
    }

    /** The 802.1Q tag frames to and from the IPv4 {@code address} carry on the wire; 0 for untagged. */
    public int tagOf(int address) {
        VlanConfig v = vlanOf(address);
        return v == null ? 0 : v.tag();
    }
}
