package dsrlb.config;

import dsrlb.net.IpAddress;
import java.util.HashMap;
import java.util.Map;

/** {@code add lb vserver} and {@code bind lb vserver}: what a VIP balances over, and how. */
final class VserverCommands {
    private static final int MAX_TIMEOUT_MINUTES = 1440;
    private static final int MAX_WEIGHT = 100;

    private final ConfigDraft draft;
    private final Map<Endpoint, VserverDraft> vserversByEndpoint = new HashMap<>();

    VserverCommands(ConfigDraft draft) {
        this.draft = draft;
    }

    void addLbVserver(Statement s) throws ConfigException {
        String name = ConfigValues.name(s, "vserver", s.arg(0));
        VserverDraft previous = draft.vservers.get(name);
        if (previous != null) {
            throw s.error("vserver '" + name + "' is already defined at " + previous.location);
        }
        Protocol protocol = ConfigValues.protocol(s, "vserver", s.arg(1));
        IpAddress vip = s.ipAddress(s.arg(2));
        if (vip.equals(IpAddress.ofIpv4(0)) || vip.equals(new IpAddress(0, 0))) {
            throw s.error("vserver '" + name + "' needs an address: non-addressable vservers (0.0.0.0) "
                    + "are not supported");
        }
        int port = s.port(s.arg(3));

        PersistenceType persistence = s.has("persistenceType") ? ConfigValues.persistence(s) : PersistenceType.NONE;
        int timeout = s.has("timeout")
                ? (int) s.number("-timeout", s.option("timeout"), 0, MAX_TIMEOUT_MINUTES)
                : VserverConfig.DEFAULT_TIMEOUT_MINUTES;
        long maxEntries = s.has("persistenceMaxEntries")
                ? s.number("-persistenceMaxEntries", s.option("persistenceMaxEntries"), 1, Integer.MAX_VALUE)
                : VserverConfig.DEFAULT_PERSISTENCE_MAX_ENTRIES;
        LbMethod method;
        if (s.has("lbMethod")) {
            method = ConfigValues.lbMethod(s);
        } else {
            // A NetScaler export leaves the default out, so the operator may not know it changes.
            method = LbMethod.ROUNDROBIN;
            draft.notices.note(
                    s.at(),
                    "vserver '" + name + "' has no -lbMethod: NetScaler's default is "
                            + "LEASTCONNECTION, dsrlb uses ROUNDROBIN");
        }
        if (s.has("m")) {
            if (!Statement.keyword(s.option("m")).equals("MAC")) {
                throw s.error("-m " + s.option("m") + ": dsrlb forwards in MAC mode only (-m MAC)");
            }
        } else {
            // Without -m MAC the NetScaler config was an IP-mode (NAT) one: its backends may lack
            // the VIP on loopback, and would drop what dsrlb forwards to them.
            draft.notices.note(
                    s.at(),
                    "vserver '" + name + "' has no -m MAC: NetScaler's default is IP mode; "
                            + "dsrlb forwards in MAC mode, so the backends need the VIP on loopback");
        }

        Endpoint endpoint = new Endpoint(vip, protocol, port);
        VserverDraft sameEndpoint = vserversByEndpoint.get(endpoint);
        if (sameEndpoint != null) {
            throw s.error("vserver '" + name + "' takes " + endpoint + " like vserver '" + sameEndpoint.name + "' ("
                    + sameEndpoint.location + ")");
        }
        VserverDraft vserver =
                new VserverDraft(name, protocol, vip, port, persistence, timeout, maxEntries, method, s.at());
        draft.vservers.put(name, vserver);
        vserversByEndpoint.put(endpoint, vserver);
    }

    void bindLbVserver(Statement s) throws ConfigException {
        VserverDraft vserver = draft.vservers.get(s.arg(0));
        if (vserver == null) {
            throw s.error("vserver '" + s.arg(0) + "' is not defined");
        }
        ServiceConfig service = draft.service(s, s.arg(1));
        for (Binding binding : vserver.bindings) {
            if (binding.service().equals(service.name())) {
                throw s.error("service '" + service.name() + "' is already bound to vserver '" + vserver.name + "' at "
                        + binding.location());
            }
        }
        if (vserver.protocol != Protocol.ANY
                && service.protocol() != Protocol.ANY
                && service.protocol() != vserver.protocol) {
            throw s.error("service '" + service.name() + "' is " + service.protocol() + " and cannot serve "
                    + vserver.protocol + " vserver '" + vserver.name + "'");
        }
        // The backend is reached by the VIP's family: resolved by ARP or NDP and probed like a
        // client of that family, so a service of the other family could be neither.
        if (service.address().isIpv4() != vserver.vip.isIpv4()) {
            throw s.error("service '" + service.name() + "' (" + service.address() + ") and vserver '" + vserver.name
                    + "' (" + vserver.vip + ") are of different IP versions: bind a server of the VIP's version");
        }
        // The backend receives the client's frame unchanged, so it must listen where the client sent it.
        if (service.port() != ServiceConfig.ANY_PORT && service.port() != vserver.port) {
            throw s.error("service '" + service.name() + "' is port " + service.port() + " but vserver '"
                    + vserver.name + "' takes port " + ConfigValues.portText(vserver.port)
                    + ": MAC mode does not rewrite ports");
        }
        int weight =
                s.has("weight") ? (int) s.number("-weight", s.option("weight"), 1, MAX_WEIGHT) : Binding.DEFAULT_WEIGHT;
        vserver.bindings.add(new Binding(service.name(), weight, s.at()));
    }

    /** What a vserver listens on; two vservers may not take the same one. */
    private record Endpoint(IpAddress vip, Protocol protocol, int port) {
        @Override
        public String toString() {
            return vip + " " + protocol + " " + ConfigValues.portText(port);
        }
    }
}
