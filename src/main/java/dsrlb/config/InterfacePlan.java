package dsrlb.config;

import dsrlb.net.IpAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The interfaces one dsrlb serves and which of them each address lives on. As on a NetScaler, a
 * VIP or server whose address lies in a VLAN's {@code -IPAddress} subnet lives on the interface
 * that VLAN is bound to ({@code bind vlan <id> -ifnum <if>}, tagged or not); an address on no
 * such VLAN lives on the first interface, the default LAN. Each interface has its own capture,
 * forwarder and ARP: dsrlb answers for a VIP only on its interface, and a frame leaves on the
 * interface it came in on, so a vserver's services must share its VIP's interface.
 *
 * @param names the interfaces, the default LAN's first; never empty, no name twice
 */
public record InterfacePlan(List<String> names) {
    public InterfacePlan {
        names = List.copyOf(names);
        if (names.isEmpty()) {
            throw new IllegalArgumentException("no interface");
        }
        if (new HashSet<>(names).size() != names.size()) {
            throw new IllegalArgumentException("an interface is named twice: " + String.join(", ", names));
        }
    }

    /** One interface for everything, as dsrlb served before it could serve several. */
    public static InterfacePlan single(String name) {
        return new InterfacePlan(List.of(name));
    }

    /**
     * The interfaces a config names, for {@code dsrlb run} without {@code --interface}: the
     * default LAN's first ({@code defaultLan}: the one that holds an address on no VLAN; null when
     * every address is on a VLAN bound to an interface), then each {@code -ifnum} in file order.
     */
    public static InterfacePlan fromConfig(DsrConfig cfg, String defaultLan) {
        List<String> names = new ArrayList<>();
        if (defaultLan != null) {
            names.add(defaultLan);
        }
        for (VlanConfig vlan : cfg.vlans()) {
            if (vlan.ifnum() != null && !names.contains(vlan.ifnum())) {
                names.add(vlan.ifnum());
            }
        }
        return new InterfacePlan(names);
    }

    /** The first address (VIPs first) that lives on the default LAN, or null. */
    public static IpAddress firstOnDefaultLan(DsrConfig cfg) {
        return addresses(cfg).stream()
                .filter(a -> ifnumOf(cfg, a) == null)
                .findFirst()
                .orElse(null);
    }

    /** Index in {@link #names} of the interface {@code address} lives on. */
    public int indexOf(DsrConfig cfg, IpAddress address) {
        String ifnum = ifnumOf(cfg, address);
        int i = ifnum == null ? 0 : names.indexOf(ifnum);
        // mismatch() refuses a config whose -ifnum is not served; nothing runs with one.
        return Math.max(i, 0);
    }

    /**
     * Whether VIP {@code vip} (by index) is marked in {@code servedVips}, a {@link #vipsOn}
     * answer; null marks every VIP (dsrlb on one interface).
     */
    public static boolean serves(boolean[] servedVips, int vip) {
        return servedVips == null || (vip < servedVips.length && servedVips[vip]);
    }

    /** For each VIP of {@code cfg} (config order), whether it lives on interface {@code index}. */
    public boolean[] vipsOn(DsrConfig cfg, int index) {
        List<VipConfig> vips = cfg.vips();
        boolean[] on = new boolean[vips.size()];
        for (int i = 0; i < on.length; i++) {
            on[i] = indexOf(cfg, vips.get(i).address()) == index;
        }
        return on;
    }

    /**
     * Why {@code cfg} cannot run on these interfaces, or null: a VLAN bound to an interface not
     * served, an interface that would serve no VIP, or a vserver whose services live on another
     * interface than its VIP.
     */
    public String mismatch(DsrConfig cfg) {
        for (VlanConfig vlan : cfg.vlans()) {
            if (vlan.ifnum() != null && !names.contains(vlan.ifnum())) {
                return vlan.location() + ": vlan " + vlan.id() + " is bound to -ifnum " + vlan.ifnum()
                        + ", but dsrlb serves " + String.join(", ", names)
                        + " (add --interface " + vlan.ifnum() + ", or leave --interface out to serve what the"
                        + " config names)";
            }
        }
        Set<Integer> withVip = new HashSet<>();
        cfg.vips().forEach(v -> withVip.add(indexOf(cfg, v.address())));
        for (int i = 0; i < names.size(); i++) {
            if (!withVip.contains(i)) {
                return "interface " + names.get(i) + " would serve no VIP: "
                        + (i == 0
                                ? "every VIP is on a VLAN bound to another interface (leave --interface out, or"
                                        + " name those interfaces only)"
                                : "no VIP lies in a subnet of a VLAN bound to it (bind vlan <id> -ifnum " + names.get(i)
                                        + " and bind vlan <id> -IPAddress ...)");
            }
        }
        for (VserverConfig vserver : cfg.vservers().values()) {
            int vip = indexOf(cfg, vserver.vip());
            for (Binding binding : vserver.bindings()) {
                ServiceConfig service = cfg.services().get(binding.service());
                int at = indexOf(cfg, service.address());
                if (at != vip) {
                    return binding.location() + ": service '" + service.name() + "' (" + service.address()
                            + ") lives on interface " + names.get(at) + " but vserver '" + vserver.name() + "' ("
                            + vserver.vip() + ") on " + names.get(vip)
                            + ": a frame leaves on the interface it came in on, so a vserver's services"
                            + " share its VIP's interface";
                }
            }
        }
        return null;
    }

    private static String ifnumOf(DsrConfig cfg, IpAddress address) {
        VlanConfig vlan = cfg.vlanOf(address);
        return vlan == null ? null : vlan.ifnum();
    }

    private static List<IpAddress> addresses(DsrConfig cfg) {
        List<IpAddress> all = new ArrayList<>();
        cfg.vips().forEach(v -> all.add(v.address()));
        cfg.services().values().forEach(s -> all.add(s.address()));
        return all;
    }

    @Override
    public String toString() {
        return String.join(", ", names);
    }
}
