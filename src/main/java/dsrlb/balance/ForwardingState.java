package dsrlb.balance;

/**
 * Everything the forwarder needs to decide about a packet, immutable once published. The
 * control plane builds a new one on every change and hands it over through one volatile
 * reference, so the packet path takes no locks.
 *
 * @param vips the VIP addresses, in config order
 * @param routesByVip for each VIP (same index), its vservers, most specific first
 * @param services all services by id
 * @param vipTags for each VIP (same index), the 802.1Q VLAN id it lives on, 0 for untagged: the
 *     forwarder answers ARP for it and forwards to it only from frames with that tag
 */
// Arrays, not lists: the packet path indexes them per frame without boxing or bounds objects.
@SuppressWarnings("ArrayRecordComponent")
public record ForwardingState(int[] vips, Route[][] routesByVip, ServiceView[] services, int[] vipTags) {
    /** No VIPs: every frame is dropped as not for a VIP. What a forwarder starts with. */
    public static final ForwardingState EMPTY =
            new ForwardingState(new int[0], new Route[0][], new ServiceView[0], new int[0]);

    /** Every VIP untagged. */
    public ForwardingState(int[] vips, Route[][] routesByVip, ServiceView[] services) {
        this(vips, routesByVip, services, new int[vips.length]);
    }

    /** The VLAN id VIP {@code vipIndex} lives on, 0 for untagged. */
    public int vipTag(int vipIndex) {
        return vipTags[vipIndex];
    }

    /** Index of {@code ip} in {@link #vips}, or -1. */
    public int vipIndex(int ip) {
        int[] v = vips;
        for (int i = 0; i < v.length; i++) {
            if (v[i] == ip) {
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
