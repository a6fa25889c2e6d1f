package dsrlb.config;

import dsrlb.net.IpAddress;
import java.util.HashSet;
import java.util.Set;

/** {@code add server}, {@code add service} and the commands that change a service's state. */
final class ServiceCommands {
    private final ConfigDraft draft;
    /** Servers 'add service' made for an address, so a later 'add server' of that name says why it clashes. */
    private final Set<String> implicitServers = new HashSet<>();

    ServiceCommands(ConfigDraft draft) {
        this.draft = draft;
    }

    void addServer(Statement s) throws ConfigException {
        String name = ConfigValues.name(s, "server", s.arg(0));
        IpAddress address = s.ipAddress(s.arg(1));
        ServerConfig previous = draft.servers.get(name);
        if (previous != null) {
            throw s.error("server '" + name + "' is already defined at " + previous.location()
                    + (implicitServers.contains(name) ? " (implicitly, by 'add service')" : ""));
        }
        addServer(s, new ServerConfig(name, address, s.at()));
    }

    // One server per address: the balancer resolves a backend's MAC per server, and two names
    // for one host would split its counters. NetScaler refuses it too.
    private void addServer(Statement s, ServerConfig server) throws ConfigException {
        ServerConfig sameAddress = draft.serversByAddress.get(server.address());
        if (sameAddress != null) {
            throw s.error("address " + server.address() + " is already server '" + sameAddress.name() + "' ("
                    + sameAddress.location() + ")");
        }
        draft.servers.put(server.name(), server);
        draft.serversByAddress.put(server.address(), server);
    }

    void addService(Statement s) throws ConfigException {
        String name = ConfigValues.name(s, "service", s.arg(0));
        ServiceConfig previous = draft.services.get(name);
        if (previous != null) {
            throw s.error("service '" + name + "' is already defined at " + previous.location());
        }
        ServerConfig server = serverFor(s, s.arg(1));
        Protocol protocol = ConfigValues.protocol(s, "service", s.arg(2));
        int port = s.port(s.arg(3));
        ServiceState state = s.has("state") ? ConfigValues.state(s) : ServiceState.ENABLED;
        draft.services.put(
                name, new ServiceConfig(name, server.name(), server.address(), protocol, port, state, s.at()));
    }

    /**
     * A service may name a server or give its address; NetScaler then creates a server named
     * after the address, and so does dsrlb (reusing a server that already has that address).
     */
    private ServerConfig serverFor(Statement s, String reference) throws ConfigException {
        ServerConfig server = draft.servers.get(reference);
        if (server != null) {
            return server;
        }
        IpAddress address;
        try {
            address = IpAddress.parse(reference);
        } catch (IllegalArgumentException e) {
            throw s.error("server '" + reference + "' is not defined");
        }
        server = draft.serversByAddress.get(address);
        if (server != null) {
            return server;
        }
        server = new ServerConfig(address.format(), address, s.at());
        if (draft.servers.containsKey(server.name())) {
            throw s.error("server '" + server.name() + "' ("
                    + draft.servers.get(server.name()).location()
                    + ") has another address than its name; name the server instead of " + reference);
        }
        addServer(s, server);
        implicitServers.add(server.name());
        return server;
    }

    void setService(Statement s) throws ConfigException {
        ServiceConfig service = draft.service(s, s.arg(0));
        if (s.has("state")) {
            draft.services.put(service.name(), service.withState(ConfigValues.state(s)));
        }
    }

    void changeState(Statement s, ServiceState state) throws ConfigException {
        ServiceConfig service = draft.service(s, s.arg(0));
        draft.services.put(service.name(), service.withState(state));
    }
}
