package dsrlb.dataplane;

import dsrlb.net.Ipv4;
import dsrlb.net.MacAddress;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The interface dsrlb works on: its name, MAC and IPv4 address (the sender of our ARP
 * requests, 0.0.0.0 when it has none).
 */
public record NetworkInterfaceInfo(String name, MacAddress mac, int address, int prefixLength) {

    /** The named interface; it must exist, be up and have a MAC. */
    public static NetworkInterfaceInfo byName(String name) throws IOException {
        NetworkInterface nif = NetworkInterface.getByName(name);
        if (nif == null) {
            throw new IOException("no network interface '" + name + "' (see `ip link`)");
        }
        return of(nif);
    }

    /**
     * The interface whose IPv4 subnet holds {@code vip}: the server LAN, where the backends
     * are. The VIP itself is not on it (dsrlb answers ARP for it, not the kernel).
     */
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
        int address = 0;
        int prefix = 0;
        for (InterfaceAddress a : nif.getInterfaceAddresses()) {
            if (a.getAddress() instanceof Inet4Address v4) {
                address = Ipv4.parse(v4.getHostAddress());
                prefix = a.getNetworkPrefixLength();
                break;
            }
        }
        return new NetworkInterfaceInfo(nif.getName(), MacAddress.of(hw), address, prefix);
    }
}
