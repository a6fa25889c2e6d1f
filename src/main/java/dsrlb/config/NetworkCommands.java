package dsrlb.config;

import dsrlb.net.IpAddress;
import dsrlb.net.Ipv4;

/** {@code add ns ip} and {@code add route}: the addresses dsrlb answers for and how it reaches clients. */
final class NetworkCommands {
    private final ConfigDraft draft;

    NetworkCommands(ConfigDraft draft) {
        this.draft = draft;
    }

    void addNsIp(Statement s) throws ConfigException {
        IpAddress address = IpAddress.ofIpv4(s.address(s.arg(0)));
        int mask = s.netmask(s.arg(1));
        addVip(s, new VipConfig(address, Ipv4.prefixLength(mask), s.at()));
    }

    /**
     * {@code add ns ip6 2001:db8::20/64 -type VIP [-vlan <id>]}: the prefix is optional here
     * (default /128); {@code -vlan} is checked against the VLANs' subnets once the file is read.
     */
    void addNsIp6(Statement s) throws ConfigException {
        String text = s.arg(0);
        int slash = text.indexOf('/');
        int prefix = 128;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(text.substring(slash + 1));
            } catch (NumberFormatException e) {
                prefix = -1;
            }
            if (prefix < 0 || prefix > 128) {
                throw s.error("'" + text + "': the prefix length after '/' must be 0..128");
            }
            text = text.substring(0, slash);
        }
        IpAddress address = s.ipAddress(text);
        if (address.isIpv4()) {
            throw s.error("'" + text + "' is an IPv4 address: use 'add ns ip <address> <netmask>'");
        }
        if (address.high() >>> 56 == 0xff
                || (address.high() >>> 54) == 0x3fa
                || address.equals(new IpAddress(0, 0))
                || address.equals(new IpAddress(0, 1))) {
            throw s.error("'" + text + "' is a multicast, link-local, unspecified or loopback address, not a VIP");
        }
        addVip(s, new VipConfig(address, prefix, s.at()));
        if (s.has("vlan")) {
            draft.vip6Vlans.put(
                    address, (int) s.number("vlan id", s.option("vlan"), VlanConfig.MIN_ID, VlanConfig.MAX_ID));
        }
    }

    private void addVip(Statement s, VipConfig vip) throws ConfigException {
        IpAddress address = vip.address();
        String type = s.option("type");
        if (type == null) {
            throw s.error("missing -type VIP (NetScaler's default type is SNIP, which dsrlb has no use for)");
        }
        if (!Statement.keyword(type).equals("VIP")) {
            throw s.error("-type " + type + ": only -type VIP is supported here");
        }
        VipConfig previous = draft.vips.get(address);
        if (previous != null) {
            throw s.error("ns ip " + address + " is already added at " + previous.location());
        }
        draft.vips.put(address, vip);
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
