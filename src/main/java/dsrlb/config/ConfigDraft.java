package dsrlb.config;

import dsrlb.net.IpAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the commands read so far have defined, in file order; {@link #build} checks what only
 * the whole file can tell and makes the immutable {@link DsrConfig}.
 */
final class ConfigDraft {
    final Notices notices = new Notices();
    final Map<IpAddress, VipConfig> vips = new LinkedHashMap<>();
    final List<RouteConfig> routes = new ArrayList<>();
    final Map<String, ServerConfig> servers = new LinkedHashMap<>();
    final Map<IpAddress, ServerConfig> serversByAddress = new HashMap<>();
    final Map<String, ServiceConfig> services = new LinkedHashMap<>();
    final Map<String, VserverDraft> vservers = new LinkedHashMap<>();
    final Map<String, MonitorConfig> monitors = new LinkedHashMap<>();
    final List<MonitorBinding> monitorBindings = new ArrayList<>();
    final Map<Integer, VlanCommands.VlanDraft> vlans = new LinkedHashMap<>();
    /** {@code add ns ip6 ... -vlan <id>}: the VLAN the line names for its VIP6. */
    final Map<IpAddress, Integer> vip6Vlans = new LinkedHashMap<>();

    /** The service a command names, which an earlier line must have added. */
    ServiceConfig service(Statement s, String name) throws ConfigException {
        ServiceConfig service = services.get(name);
        if (service == null) {
            throw s.error("service '" + name + "' is not defined");
        }
        return service;
    }

    DsrConfig build() throws ConfigException {
        // A vserver address needs no 'add ns ip' (NetScaler does not ask for one either); it is
        // a /32 VIP, added after the explicit ones so that a later 'add ns ip' is no duplicate.
        Map<IpAddress, VipConfig> allVips = new LinkedHashMap<>(vips);
        Map<String, VserverConfig> built = new LinkedHashMap<>();
        for (VserverDraft draft : vservers.values()) {
            allVips.putIfAbsent(draft.vip, new VipConfig(draft.vip, draft.vip.isIpv4() ? 32 : 128, draft.location));
            built.put(draft.name, draft.build());
        }
        for (VipConfig vip : allVips.values()) {
            ServerConfig server = serversByAddress.get(vip.address());
            if (server != null) {
                throw new ConfigException(
                        vip.location(),
                        "VIP " + vip.address()
                                + " is also the address of server '" + server.name() + "' (" + server.location()
                                + "): a backend cannot be a VIP");
            }
        }
        List<VlanConfig> vlanConfigs = vlans();
        checkVlans(vlanConfigs, allVips.values(), built.values());
        return new DsrConfig(
                List.copyOf(allVips.values()),
                routes,
                servers,
                services,
                built,
                monitors,
                monitorBindings,
                notices.messages(),
                vlanConfigs);
    }

    private List<VlanConfig> vlans() throws ConfigException {
        List<VlanConfig> built = new ArrayList<>();
        for (VlanCommands.VlanDraft vlan : vlans.values()) {
            if (vlan.ifnum == null && !vlan.subnets.isEmpty()) {
                throw new ConfigException(
                        vlan.location,
                        "vlan " + vlan.id + " owns a subnet but is bound to no interface (bind vlan " + vlan.id
                                + " -ifnum <interface> -tagged)");
            }
            if (vlan.subnets.isEmpty()) {
                notices.note(
                        vlan.location,
                        "vlan " + vlan.id + " has no -IPAddress: no VIP or server lives on it, dsrlb does not use it");
            }
            built.add(vlan.build());
        }
        return built;
    }

    /**
     * dsrlb forwards with the tag kept (only the MACs are rewritten), so a vserver's services
     * must be on its VIP's VLAN; and the VLAN's own address is the LB host's kernel's, not a VIP.
     */
    private void checkVlans(List<VlanConfig> vlanConfigs, Iterable<VipConfig> vips, Iterable<VserverConfig> vservers)
            throws ConfigException {
        DsrConfig lookup = new DsrConfig(
                List.of(), List.of(), Map.of(), Map.of(), Map.of(), Map.of(), List.of(), List.of(), vlanConfigs);
        for (Map.Entry<IpAddress, Integer> named : vip6Vlans.entrySet()) {
            VipConfig vip = this.vips.get(named.getKey());
            int id = named.getValue();
            VlanConfig on = lookup.vlanOf(vip.address());
            if (on == null || on.id() != id) {
                throw new ConfigException(
                        vip.location(),
                        "-vlan " + id + ": VIP " + vip.address() + " lies in "
                                + (on == null ? "no VLAN's subnet" : "vlan " + on.id() + "'s subnet")
                                + "; a VIP6 is on the VLAN whose IPv6 subnet holds it (bind vlan " + id
                                + " -IPAddress <ip6>/<prefix>)");
            }
        }
        if (vlanConfigs.isEmpty()) {
            return;
        }
        for (VipConfig vip : vips) {
            for (VlanConfig vlan : vlanConfigs) {
                for (VlanConfig.Subnet subnet : vlan.subnets()) {
                    if (subnet.address().equals(vip.address())) {
                        throw new ConfigException(
                                vip.location(),
                                "VIP " + vip.address() + " is vlan " + vlan.id() + "'s own -IPAddress ("
                                        + subnet.location() + "): that address is the LB host's, pick another VIP");
                    }
                }
            }
        }
        for (VserverConfig vserver : vservers) {
            int vipTag = lookup.tagOf(vserver.vip());
            for (Binding binding : vserver.bindings()) {
                ServiceConfig service = services.get(binding.service());
                // 'bind lb vserver' has checked that the service exists.
                int serviceTag = lookup.tagOf(service.address());
                VlanConfig vipVlan = lookup.vlanOf(vserver.vip());
                VlanConfig serviceVlan = lookup.vlanOf(service.address());
                if (vipVlan != null && serviceVlan != null && !Objects.equals(vipVlan.ifnum(), serviceVlan.ifnum())) {
                    throw new ConfigException(
                            binding.location(),
                            "service '" + service.name() + "' (" + service.address() + ") is on vlan "
                                    + serviceVlan.id() + " (-ifnum " + serviceVlan.ifnum() + ") but vserver '"
                                    + vserver.name() + "' (" + vserver.vip() + ") is on vlan " + vipVlan.id()
                                    + " (-ifnum " + vipVlan.ifnum() + "): a frame leaves on the interface it came"
                                    + " in on, so a vserver's services share its VIP's interface");
                }
                if (serviceTag != vipTag) {
                    throw new ConfigException(
                            binding.location(),
                            "service '" + service.name() + "' (" + service.address() + ") is on "
                                    + onVlan(serviceTag) + " but vserver '" + vserver.name() + "' ("
                                    + vserver.vip() + ") is on " + onVlan(vipTag)
                                    + ": dsrlb forwards with the tag kept, a vserver's services share its VLAN");
                }
            }
        }
    }

    private static String onVlan(int tag) {
        return tag == 0 ? "the untagged LAN" : "vlan " + tag;
    }
}
