package dsrlb.config;

import dsrlb.net.Ipv4;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the commands read so far have defined, in file order; {@link #build} checks what only
 * the whole file can tell and makes the immutable {@link DsrConfig}.
 */
final class ConfigDraft {
    final Notices notices = new Notices();
    final Map<Integer, VipConfig> vips = new LinkedHashMap<>();
    final List<RouteConfig> routes = new ArrayList<>();
    final Map<String, ServerConfig> servers = new LinkedHashMap<>();
    final Map<Integer, ServerConfig> serversByAddress = new HashMap<>();
    final Map<String, ServiceConfig> services = new LinkedHashMap<>();
    final Map<String, VserverDraft> vservers = new LinkedHashMap<>();
    final Map<String, MonitorConfig> monitors = new LinkedHashMap<>();
    final List<MonitorBinding> monitorBindings = new ArrayList<>();

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
        Map<Integer, VipConfig> allVips = new LinkedHashMap<>(vips);
        Map<String, VserverConfig> built = new LinkedHashMap<>();
        for (VserverDraft draft : vservers.values()) {
            allVips.putIfAbsent(draft.vip, new VipConfig(draft.vip, 0xffffffff, draft.location));
            built.put(draft.name, draft.build());
        }
        for (VipConfig vip : allVips.values()) {
            ServerConfig server = serversByAddress.get(vip.address());
            if (server != null) {
                throw new ConfigException(
                        vip.location(),
                        "VIP " + Ipv4.format(vip.address())
                                + " is also the address of server '" + server.name() + "' (" + server.location()
                                + "): a backend cannot be a VIP");
            }
        }
        return new DsrConfig(
                List.copyOf(allVips.values()),
                routes,
                servers,
                services,
                built,
                monitors,
                monitorBindings,
                notices.messages());
    }
}
