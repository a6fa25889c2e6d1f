package dsrlb.balance;

import dsrlb.net.IpAddress;

/**
 * Everything the forwarder needs to decide about a packet, immutable once published. The
 * control plane builds a new one on every change and hands it over through one volatile
 * reference, so the packet path takes no locks.
 *
 * @param vipHigh the VIP addresses' high 64 bits ({@link IpAddress#high}), in config order; IPv4
 *     VIPs in their mapped form
 * @param vipLow the low 64 bits, same index
 * @param routesByVip for each VIP (same index), its vservers, most specific first
 * @param services all services by id
 * @param vipTags for each VIP (same index), the 802.1Q VLAN id it lives on, 0 for untagged: the
 *     forwarder answers ARP for it and forwards to it only from frames with that tag
 */
// Arrays, not lists: the packet path indexes them per frame without boxing or bounds objects.
@SuppressWarnings("ArrayRecordComponent")
public record ForwardingState(
        long[] vipHigh, long[] vipLow, Route[][] routesByVip, ServiceView[] services, int[] vipTags) {
    /** No VIPs: every frame is dropped as not for a VIP. What a forwarder starts with. */
    public static final ForwardingState EMPTY = of(new IpAddress[0], new Route[0][], new ServiceView[0], new int[0]);

    /** A state for {@code vips} (IPv4 and IPv6), each on the VLAN of the same index in {@code vipTags}. */
    public static ForwardingState of(IpAddress[] vips, Route[][] routesByVip, ServiceView[] services, int[] vipTags) {
        long[] high = new long[vips.length];
        long[] low = new long[vips.length];
        for (int i = 0; i < vips.length; i++) {
            high[i] = vips[i].high();
            low[i] = vips[i].low();
        }
        return new ForwardingState(high, low, routesByVip, services, vipTags);
    }

    /** How many VIPs there are, of both families. */
    public int vipCount() {
        return vipLow.length;
    }

    /** VIP {@code vipIndex} as an address (control plane: allocates). */
    public IpAddress vip(int vipIndex) {
        return new IpAddress(vipHigh[vipIndex], vipLow[vipIndex]);
    }

    /** The VLAN id VIP {@code vipIndex} lives on, 0 for untagged. */
    public int vipTag(int vipIndex) {
        return vipTags[vipIndex];
    }

    /** Index of the IPv4 VIP {@code ip}, or -1. */
    public int vipIndex(int ip) {
        return vipIndex(0, IpAddress.mappedLow(ip));
    }

    /**
     * Index of the VIP named by an IPv6 header or an ND target, or -1. An IPv4 VIP's mapped form
     * {@code ::ffff:a.b.c.d} written there is not an IPv6 address of ours (RFC 4291 2.5.5.2 keeps
     * it off the wire), so it matches nothing.
     */
    public int ipv6VipIndex(long high, long low) {
        return IpAddress.isIpv4(high, low) ? -1 : vipIndex(high, low);
    }

    /** Index of the VIP {@code (high, low)} (an IPv6 address, or an IPv4 one mapped), or -1. */
    public int vipIndex(long high, long low) {
        long[] l = vipLow;
        long[] h = vipHigh;
        for (int i = 0; i < l.length; i++) {
            if (l[i] == low && h[i] == high) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The vserver of a VIP that takes a packet of IP protocol {@code protocol} to {@code port}
     * (-1 when the packet carries no port, as a non-first fragment), or null.
     */
    public Route match(int vipIndex, int protocol, int port) {
        for (Route r : routesByVip[vipIndex]) {
            if ((r.protocol < 0 || r.protocol == protocol) && (r.port < 0 || r.port == port)) {
                return r;
            }
        }
        return null;
    }

    /** Whether some vserver has a service that takes new clients: what a node announcing its VIPs needs. */
    public boolean anyServiceUp() {
        for (Route[] routes : routesByVip) {
            for (Route r : routes) {
                if (!r.pool().isEmpty()) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * A vserver with the services eligible at the time of the snapshot.
     *
     * @param protocol IP protocol number, -1 for ANY
     * @param port destination port, -1 for *
     */
    public record Route(Vserver vserver, int protocol, int port, PoolSnapshot pool) {
        /** Ordering key: a port beats *, a protocol beats ANY. */
        int specificity() {
            return (port >= 0 ? 2 : 0) + (protocol >= 0 ? 1 : 0);
        }
    }
}
