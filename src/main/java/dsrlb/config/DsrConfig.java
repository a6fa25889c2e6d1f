package dsrlb.config;

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
 */
public record DsrConfig(
        List<VipConfig> vips,
        List<RouteConfig> routes,
        Map<String, ServerConfig> servers,
        Map<String, ServiceConfig> services,
        Map<String, VserverConfig> vservers,
        Map<String, MonitorConfig> monitors,
        List<MonitorBinding> monitorBindings,
        List<String> notices) {
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
    }
}
