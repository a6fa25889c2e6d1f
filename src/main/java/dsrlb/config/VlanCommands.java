package dsrlb.config;

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
            throw s.error(
                    "bind vlan " + id + " takes either -ifnum <interface> [-tagged] or -IPAddress <ip> <netmask>");
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
        int address = s.address(s.option("IPAddress", 0));
        int mask = s.netmask(s.option("IPAddress", 1));
        VlanConfig.Subnet subnet = new VlanConfig.Subnet(address, mask, s.at());
        if (mask == 0xffffffff || address == (address & mask) || address == (address | ~mask)) {
            throw s.error("-IPAddress " + Ipv4.format(address) + " " + Ipv4.format(mask)
                    + " is no host address in a subnet: give the LB host's own address on the VLAN and the"
                    + " subnet's netmask");
        }
        for (VlanDraft other : draft.vlans.values()) {
            for (VlanConfig.Subnet o : other.subnets) {
                if (o.overlaps(subnet)) {
                    throw s.error("subnet " + Ipv4.format(address & mask) + "/" + Integer.bitCount(mask)
                            + " overlaps " + Ipv4.format(o.address() & o.mask()) + "/" + Integer.bitCount(o.mask())
                            + " of vlan " + other.id + " (" + o.location() + ")");
                }
            }
        }
        vlan.subnets.add(subnet);
    }

    private static int id(Statement s) throws ConfigException {
        return (int) s.number("vlan id", s.arg(0), VlanConfig.MIN_ID, VlanConfig.MAX_ID);
    }
}
