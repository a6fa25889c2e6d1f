package dsrlb.config;

import dsrlb.net.Ipv4;

/** {@code add ns ip} and {@code add route}: the addresses dsrlb answers for and how it reaches clients. */
final class NetworkCommands {
    private final ConfigDraft draft;

    NetworkCommands(ConfigDraft draft) {
        this.draft = draft;
    }

    void addNsIp(Statement s) throws ConfigException {
        int address = s.address(s.arg(0));
        int mask = s.netmask(s.arg(1));
        String type = s.option("type");
        if (type == null) {
            throw s.error("missing -type VIP (NetScaler's default type is SNIP, which dsrlb has no use for)");
        }
        if (!Statement.keyword(type).equals("VIP")) {
            throw s.error("-type " + type + ": only -type VIP is supported here");
        }
        VipConfig previous = draft.vips.get(address);
        if (previous != null) {
            throw s.error("ns ip " + Ipv4.format(address) + " is already added at " + previous.location());
        }
        draft.vips.put(address, new VipConfig(address, mask, s.at()));
    }

    void addRoute(Statement s) throws ConfigException {
        int network = s.address(s.arg(0));
        int mask = s.netmask(s.arg(1));
        int gateway = s.address(s.arg(2));
        if ((network & ~mask) != 0) {
            throw s.error("route network " + s.arg(0) + " has host bits set outside netmask " + s.arg(1));
        }
        for (RouteConfig route : draft.routes) {
            if (route.network() == network && route.mask() == mask && route.gateway() == gateway) {
                throw s.error("route " + s.arg(0) + " " + s.arg(1) + " " + s.arg(2) + " is already added at "
                        + route.location());
            }
        }
        draft.routes.add(new RouteConfig(network, mask, gateway, s.at()));
    }
}
