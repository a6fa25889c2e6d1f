package dsrlb.config;

import dsrlb.net.IpAddress;
import dsrlb.net.Ipv4;
import java.util.List;

/**
 * {@code add vlan <id>} with its bindings: the interface it is on ({@code bind vlan <id> -ifnum
 * <if> [-tagged]}) and the subnets it owns ({@code bind vlan <id> -IPAddress <ip> <netmask>}, or
 * for IPv6 {@code -IPAddress <ip6>/<prefix>}). As on a NetScaler, a VIP or a server whose address
 * lies in one of the subnets lives on this VLAN: dsrlb answers ARP or NDP for it, asks ARP or NDP
 * of it and forwards to it on this VLAN only.
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

    /** The subnet that holds {@code address} (either family), or null. */
    public Subnet subnetOf(IpAddress address) {
        for (Subnet s : subnets) {
            if (s.contains(address)) {
                return s;
            }
        }
        return null;
    }

    /** The subnet that holds the IPv4 {@code address}, or null. */
    public Subnet subnetOf(int address) {
        return subnetOf(IpAddress.ofIpv4(address));
    }

    /**
     * {@code -IPAddress <address> <mask>} or {@code -IPAddress <address6>/<prefix>}: the LB host's
     * own address on the VLAN (the kernel's, on a VLAN subinterface) and the subnet it names.
     *
     * @param prefixLength of 32 bits for IPv4, of 128 for IPv6
     */
    public record Subnet(IpAddress address, int prefixLength, SourceLocation location) {
        /** An IPv4 subnet from an address and a netmask. */
        public Subnet(int address, int mask, SourceLocation location) {
            this(IpAddress.ofIpv4(address), Integer.bitCount(mask), location);
        }

        /** Whether {@code ip} lies in this subnet; an address of the other family never does. */
        public boolean contains(IpAddress ip) {
            return address.sameSubnet(ip, prefixLength);
        }

        public boolean contains(int ip) {
            return contains(IpAddress.ofIpv4(ip));
        }

        /** Whether both subnets share an address (never across families). */
        public boolean overlaps(Subnet other) {
            return address.sameSubnet(other.address, Math.min(prefixLength, other.prefixLength));
        }

        /** The IPv4 netmask (an IPv4 subnet only). */
        public int mask() {
            return prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
        }

        /** {@code 198.51.100.0/25}, {@code 2001:db8:2::/64}: the subnet, not the host's address. */
        public String network() {
            if (address.isIpv4()) {
                return Ipv4.format(address.ipv4() & mask()) + "/" + prefixLength;
            }
            int bits = prefixLength;
            long highMask = bits >= 64 ? -1L : bits == 0 ? 0 : -1L << (64 - bits);
            long lowMask = bits <= 64 ? 0 : -1L << (128 - bits);
            return new IpAddress(address.high() & highMask, address.low() & lowMask).format() + "/" + prefixLength;
        }
    }
}
