package dsrlb.config;

import java.util.List;

/**
 * {@code add vlan <id>} with its bindings: the interface it is on ({@code bind vlan <id> -ifnum
 * <if> [-tagged]}) and the subnets it owns ({@code bind vlan <id> -IPAddress <ip> <netmask>}).
 * As on a NetScaler, a VIP or a server whose address lies in one of the subnets lives on this
 * VLAN: dsrlb answers ARP for it, asks ARP of it and forwards to it on this VLAN only.
 *
 * @param ifnum the Linux interface the VLAN is bound to, or null when no line binds one
 * @param tagged whether frames of this VLAN carry its 802.1Q tag on {@code ifnum} (else it is the
 *     interface's untagged VLAN)
 */
public record VlanConfig(int id, String ifnum, boolean tagged, List<Subnet> subnets, SourceLocation location) {
    public static final int MIN_ID = 1;
    public static final int MAX_ID = 4094;

    public VlanConfig {
        subnets = List.copyOf(subnets);
    }

    /** The tag the VLAN's frames carry on the wire, 0 for untagged. */
    public int tag() {
        return tagged ? id : 0;
    }

    /** The subnet that holds {@code address}, or null. */
    public Subnet subnetOf(int address) {
        for (Subnet s : subnets) {
            if (s.contains(address)) {
                return s;
            }
        }
        return null;
    }

    /**
     * {@code -IPAddress <address> <mask>}: the LB host's own address on the VLAN (the kernel's,
     * on a VLAN subinterface) and the subnet it names.
     */
    public record Subnet(int address, int mask, SourceLocation location) {
        public boolean contains(int ip) {
            return (ip & mask) == (address & mask);
        }

        public boolean overlaps(Subnet other) {
            int common = mask & other.mask;
            return (address & common) == (other.address & common);
        }
    }
}
