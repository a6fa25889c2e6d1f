package dsrlb.dataplane;

import dsrlb.net.IpAddress;
import dsrlb.net.Ipv4;
import dsrlb.net.MacAddress;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The interface dsrlb works on: its name, MAC and IPv4 address (the sender of our ARP
 * requests, 0.0.0.0 when it has none).
 *
 * @param ipv6Address the interface's own IPv6 address, null when it has none: a global one if it
 *     has one (backends answer a monitor's probe there), else its link-local one; the sender of
 *     our Neighbor Solicitations
 */
public record NetworkInterfaceInfo(String name, MacAddress mac, int address, int prefixLength, IpAddress ipv6Address) {
    /** An interface without IPv6. */
    public NetworkInterfaceInfo(String name, MacAddress mac, int address, int prefixLength) {
        this(name, mac, address, prefixLength, null);
    }

    /** The named interface; it must exist, be up and have a MAC. */
    public static NetworkInterfaceInfo byName(String name) throws IOException {
        NetworkInterface nif = NetworkInterface.getByName(name);
        if (nif == null) {
            return fromSysfs(name);
        }
        return of(nif);
    }

    /**
     * An interface without any IP address, which the JDK does not list (it enumerates addresses):
     * an 802.1Q trunk whose addresses are all on VLAN subinterfaces. Linux's sysfs has its MAC and
     * flags. Its address is 0.0.0.0.
     */
    private static NetworkInterfaceInfo fromSysfs(String name) throws IOException {
        Path dir = Path.of("/sys/class/net", name);
        if (!name.matches("[A-Za-z0-9_.:@-]{1,15}") || !Files.isDirectory(dir)) {
            throw new IOException("no network interface '" + name + "' (see `ip link`)");
        }
        String mac = Files.readString(dir.resolve("address"), StandardCharsets.US_ASCII)
                .trim();
        int flags = Integer.decode(Files.readString(dir.resolve("flags"), StandardCharsets.US_ASCII)
                .trim());
        if ((flags & IFF_UP) == 0) {
            throw new IOException("interface " + name + " is down");
        }
        try {
            return new NetworkInterfaceInfo(name, MacAddress.parse(mac), 0, 0);
        } catch (IllegalArgumentException e) {
            throw new IOException("interface " + name + " has no Ethernet address", e);
        }
    }

    private static final int IFF_UP = 0x1;

    /**
     * The interface whose IPv4 subnet holds {@code vip}: the server LAN, where the backends
     * are. The VIP itself is not on it (dsrlb answers ARP for it, not the kernel).
     */
    public static NetworkInterfaceInfo forAddress(IpAddress vip) throws IOException {
        if (vip.isIpv4()) {
            return forAddress(vip.ipv4());
        }
        List<String> seen = new ArrayList<>();
        for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (nif.isLoopback() || !nif.isUp()) {
                continue;
            }
            for (InterfaceAddress a : nif.getInterfaceAddresses()) {
                if (a.getAddress() instanceof Inet6Address v6 && !v6.isLinkLocalAddress()) {
                    IpAddress addr = IpAddress.ofIpv6(v6.getAddress(), 0);
                    int prefix = a.getNetworkPrefixLength();
                    seen.add(nif.getName() + " " + addr + "/" + prefix);
                    if (prefix < 128 && addr.sameSubnet(vip, prefix)) {
                        return of(nif);
                    }
                }
            }
        }
        throw new IOException("no interface has a subnet holding VIP " + vip
                + " (interfaces: " + (seen.isEmpty() ? "none with global IPv6" : String.join(", ", seen))
                + "); name one with --interface");
    }

    /** The interface whose IPv4 subnet holds {@code vip}. */
    public static NetworkInterfaceInfo forAddress(int vip) throws IOException {
        List<String> seen = new ArrayList<>();
        for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (nif.isLoopback() || !nif.isUp()) {
                continue;
            }
            for (InterfaceAddress a : nif.getInterfaceAddresses()) {
                if (a.getAddress() instanceof Inet4Address v4) {
                    int addr = Ipv4.parse(v4.getHostAddress());
                    int prefix = a.getNetworkPrefixLength();
                    seen.add(nif.getName() + " " + v4.getHostAddress() + "/" + prefix);
                    int mask = prefix == 0 ? 0 : -1 << (32 - prefix);
                    if (prefix < 32 && Ipv4.sameSubnet(addr, vip, mask)) {
                        return of(nif);
                    }
                }
            }
        }
        throw new IOException("no interface has a subnet holding VIP " + Ipv4.format(vip)
                + " (interfaces: " + (seen.isEmpty() ? "none with IPv4" : String.join(", ", seen))
                + "); name one with --interface");
    }

    private static NetworkInterfaceInfo of(NetworkInterface nif) throws SocketException, IOException {
        byte[] hw = nif.getHardwareAddress();
        if (hw == null || hw.length != MacAddress.LENGTH) {
            throw new IOException("interface " + nif.getName() + " has no Ethernet address");
        }
        if (!nif.isUp()) {
            throw new IOException("interface " + nif.getName() + " is down");
        }
        List<Ipv4Address> ipv4 = new ArrayList<>();
        IpAddress global6 = null;
        IpAddress linkLocal6 = null;
        for (InterfaceAddress a : nif.getInterfaceAddresses()) {
            if (a.getAddress() instanceof Inet4Address v4) {
                ipv4.add(new Ipv4Address(Ipv4.parse(v4.getHostAddress()), a.getNetworkPrefixLength()));
            } else if (a.getAddress() instanceof Inet6Address v6) {
                IpAddress a6 = IpAddress.ofIpv6(v6.getAddress(), 0);
                if (v6.isLinkLocalAddress()) {
                    linkLocal6 = linkLocal6 == null ? a6 : linkLocal6;
                } else if (global6 == null) {
                    global6 = a6;
                }
            }
        }
        Ipv4Address own = ownIpv4(ipv4);
        return new NetworkInterfaceInfo(
                nif.getName(), MacAddress.of(hw), own.address(), own.prefix(), global6 != null ? global6 : linkLocal6);
    }

    /** An IPv4 address of the interface with its prefix length (a host address has 32). */
    record Ipv4Address(int address, int prefix) {
        static final Ipv4Address NONE = new Ipv4Address(0, 0);
    }

    /**
     * The interface's own IPv4 address among its addresses: the first with a subnet (prefix below
     * 32), else the first; {@link Ipv4Address#NONE} for none. A /32 beside the LAN's address is
     * someone's VIP or alias (lab/bench's paired storm puts the nftables path's VIP there): sent
     * as our ARP requests' sender, the backends, which hold such a VIP on lo, never answered, and
     * every service stayed DOWN.
     */
    static Ipv4Address ownIpv4(List<Ipv4Address> addresses) {
        for (Ipv4Address a : addresses) {
            if (a.prefix() < 32) {
                return a;
            }
        }
        return addresses.isEmpty() ? Ipv4Address.NONE : addresses.get(0);
    }
}
