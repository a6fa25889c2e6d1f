package dsrlb.config;

import dsrlb.net.IpAddress;
import dsrlb.net.Ipv4;
import java.util.ArrayList;
import java.util.List;

/** {@code add vlan} and {@code bind vlan}: the 802.1Q VLANs of the trunk and the subnets on them. */
final class VlanCommands {
    private final ConfigDraft draft;

    VlanCommands(ConfigDraft draft) {
        this.draft = draft;
    }

    /** What the lines read so far say about one VLAN; {@link #build} makes the record. */
    static final class VlanDraft {
        final int id;
        final SourceLocation location;
        String ifnum;
        boolean tagged;
        SourceLocation ifnumLocation;
        final List<VlanConfig.Subnet> subnets = new ArrayList<>();

        VlanDraft(int id, SourceLocation location) {
            this.id = id;
            this.location = location;
        }

        VlanConfig build() {
            return new VlanConfig(id, ifnum, tagged, subnets, location);
        }
    }

    void addVlan(Statement s) throws ConfigException {
        int id = id(s);
        VlanDraft previous = draft.vlans.get(id);
        if (previous != null) {
            throw s.error("vlan " + id + " is already added at " + previous.location);
        }
        draft.vlans.put(id, new VlanDraft(id, s.at()));
    }

    void bindVlan(Statement s) throws ConfigException {
        int id = id(s);
        VlanDraft vlan = draft.vlans.get(id);
        if (vlan == null) {
            throw s.error("vlan " + id + " is not added (add vlan " + id + " first)");
        }
        boolean ifnum = s.has("ifnum");
        boolean subnet = s.has("IPAddress");
        if (s.has("tagged") && !ifnum) {
            throw s.error("-tagged belongs to -ifnum: bind vlan " + id + " -ifnum <interface> -tagged");
        }
        if (ifnum == subnet) {
            throw s.error("bind vlan " + id + " takes either -ifnum <interface> [-tagged] or -IPAddress <ip> <netmask>"
                    + " (IPv6: -IPAddress <ip6>/<prefix>)");
        }
        if (ifnum) {
            bindInterface(s, vlan);
        } else {
            bindSubnet(s, vlan);
        }
    }

    private void bindInterface(Statement s, VlanDraft vlan) throws ConfigException {
        String name = s.option("ifnum");
        if (vlan.ifnum != null) {
            throw s.error("vlan " + vlan.id + " is already bound to -ifnum " + vlan.ifnum + " at " + vlan.ifnumLocation
                    + " (dsrlb serves one interface per VLAN)");
        }
        boolean tagged = s.has("tagged");
        if (!tagged) {
            for (VlanDraft other : draft.vlans.values()) {
                if (other.ifnum != null && !other.tagged && other.ifnum.equals(name)) {
                    throw s.error("vlan " + other.id + " is already the untagged VLAN of " + name + " ("
                            + other.ifnumLocation + "); bind this one with -tagged");
                }
            }
        }
        vlan.ifnum = name;
        vlan.tagged = tagged;
        vlan.ifnumLocation = s.at();
    }

    private void bindSubnet(Statement s, VlanDraft vlan) throws ConfigException {
        String first = s.option("IPAddress", 0);
        String netmask = s.option("IPAddress", 1);
        VlanConfig.Subnet subnet =
                first.indexOf(':') >= 0 ? ipv6Subnet(s, first, netmask) : ipv4Subnet(s, first, netmask);
        for (VlanDraft other : draft.vlans.values()) {
            for (VlanConfig.Subnet o : other.subnets) {
                if (o.overlaps(subnet)) {
                    throw s.error("subnet " + subnet.network() + " overlaps " + o.network() + " of vlan " + other.id
                            + " (" + o.location() + ")");
                }
            }
        }
        vlan.subnets.add(subnet);
    }

    private static VlanConfig.Subnet ipv4Subnet(Statement s, String text, String netmask) throws ConfigException {
        int address = s.address(text);
        if (netmask == null) {
            throw s.error("-IPAddress " + text + " needs its netmask: -IPAddress <ip> <netmask> (an IPv6 address"
                    + " takes its prefix instead: -IPAddress <ip6>/<prefix>)");
        }
        int mask = s.netmask(netmask);
        if (mask == 0xffffffff || address == (address & mask) || address == (address | ~mask)) {
            throw s.error("-IPAddress " + Ipv4.format(address) + " " + Ipv4.format(mask)
                    + " is no host address in a subnet: give the LB host's own address on the VLAN and the"
                    + " subnet's netmask");
        }
        return new VlanConfig.Subnet(address, mask, s.at());
    }

    /**
     * {@code -IPAddress 2001:db8:2::10/64}: NetScaler writes an IPv6 address on a VLAN with its
     * prefix, as in {@code add ns ip6}; the host's address, not the subnet's all-zero one (the
     * subnet-router anycast address, RFC 4291 2.6.1) nor a link-local one (every VLAN has its own).
     */
    private static VlanConfig.Subnet ipv6Subnet(Statement s, String text, String netmask) throws ConfigException {
        int slash = text.indexOf('/');
        if (netmask != null || slash < 0) {
            throw s.error("-IPAddress " + text + (netmask == null ? "" : " " + netmask)
                    + ": an IPv6 address on a VLAN takes its prefix and no netmask: -IPAddress <ip6>/<prefix>");
        }
        int prefix;
        try {
            prefix = Integer.parseInt(text.substring(slash + 1));
        } catch (NumberFormatException e) {
            prefix = -1;
        }
        if (prefix < 1 || prefix > 127) {
            throw s.error("-IPAddress " + text + ": the prefix length after '/' must be 1..127 (a subnet, e.g. /64)");
        }
        IpAddress address = s.ipAddress(text.substring(0, slash));
        if (address.isIpv4()) {
            throw s.error("-IPAddress " + text + ": an IPv4 address takes a netmask: -IPAddress <ip> <netmask>");
        }
        VlanConfig.Subnet subnet = new VlanConfig.Subnet(address, prefix, s.at());
        if (address.high() >>> 56 == 0xff || (address.high() >>> 54) == 0x3fa) {
            throw s.error("-IPAddress " + text + " is a multicast or link-local address: give the LB host's global"
                    + " address on the VLAN");
        }
        if (subnet.network().equals(address.format() + "/" + prefix)) {
            throw s.error("-IPAddress " + text + " is the subnet's own address (" + subnet.network()
                    + "), no host address: give the LB host's own address on the VLAN");
        }
        return subnet;
    }

    private static int id(Statement s) throws ConfigException {
        return (int) s.number("vlan id", s.arg(0), VlanConfig.MIN_ID, VlanConfig.MAX_ID);
    }
}
