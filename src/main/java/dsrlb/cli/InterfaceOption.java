package dsrlb.cli;

import dsrlb.config.DsrConfig;
import dsrlb.config.VlanConfig;
import dsrlb.dataplane.NetworkInterfaceInfo;
import java.io.IOException;
import picocli.CommandLine.Option;

/** {@code --interface IF}, shared by the commands that work on the server LAN. */
final class InterfaceOption {
    @Option(
            names = {"-i", "--interface"},
            paramLabel = "IF",
            description = "Interface on the server LAN (default: the config's 'bind vlan -ifnum', else the one whose"
                    + " subnet holds the first VIP).")
    String name;

    /**
     * The named interface, else the one the config's VLANs are bound to (a VLAN subinterface
     * holds the VIP's subnet, but dsrlb serves the trunk under it), else the one whose subnet
     * holds the config's first VIP.
     */
    NetworkInterfaceInfo resolve(DsrConfig cfg) throws IOException {
        if (name != null) {
            return NetworkInterfaceInfo.byName(name);
        }
        for (VlanConfig vlan : cfg.vlans()) {
            if (vlan.ifnum() != null) {
                return NetworkInterfaceInfo.byName(vlan.ifnum());
            }
        }
        return NetworkInterfaceInfo.forAddress(cfg.vips().get(0).address());
    }

    /**
     * Why the config cannot run on {@code interfaceName}, or null: dsrlb serves one interface per
     * process, so every {@code bind vlan -ifnum} must name it.
     */
    static String vlanMismatch(DsrConfig cfg, String interfaceName) {
        for (VlanConfig vlan : cfg.vlans()) {
            if (vlan.ifnum() != null && !vlan.ifnum().equals(interfaceName)) {
                return vlan.location() + ": vlan " + vlan.id() + " is bound to -ifnum " + vlan.ifnum()
                        + ", but dsrlb serves " + interfaceName
                        + " (one interface per process: bind every VLAN to it, or run one dsrlb per interface)";
            }
        }
        return null;
    }
}
