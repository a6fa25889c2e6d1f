package dsrlb.cli;

import dsrlb.config.DsrConfig;
import dsrlb.config.InterfacePlan;
import dsrlb.config.VlanConfig;
import dsrlb.dataplane.NetworkInterfaceInfo;
import dsrlb.net.IpAddress;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import picocli.CommandLine.Option;

/** {@code --interface IF}, shared by the commands that work on the server LAN. */
final class InterfaceOption {
    @Option(
            names = {"-i", "--interface"},
            paramLabel = "IF",
            description = "Interface on a server LAN; repeat it to serve several (the first is the LAN of addresses"
                    + " on no VLAN). Default: every interface the config's 'bind vlan -ifnum' names, and the one"
                    + " whose subnet holds the first VIP on no VLAN.")
    List<String> names = new ArrayList<>();

    /**
     * The interfaces to serve, the default LAN's first: those named, else the ones the config
     * names ({@link InterfacePlan#fromConfig}), the default LAN found as the interface whose
     * subnet holds the first address on no VLAN.
     */
    InterfacePlan plan(DsrConfig cfg) throws IOException {
        if (!names.isEmpty()) {
            try {
                return new InterfacePlan(names);
            } catch (IllegalArgumentException e) {
                throw new IOException("--interface: " + e.getMessage(), e);
            }
        }
        List<String> ifnums = cfg.vlans().stream()
                .map(VlanConfig::ifnum)
                .filter(Objects::nonNull)
                .distinct()
                .toList();
        IpAddress onDefault = InterfacePlan.firstOnDefaultLan(cfg);
        String defaultLan;
        if (onDefault == null) {
            defaultLan = null;
        } else if (ifnums.size() == 1) {
            // One trunk: its untagged LAN is the default one (a VLAN's subnet need not be the kernel's).
            defaultLan = ifnums.get(0);
        } else {
            defaultLan = NetworkInterfaceInfo.forAddress(onDefault).name();
        }
        return InterfacePlan.fromConfig(cfg, defaultLan);
    }

    /** The interfaces of {@link #plan}, looked up in the kernel, in its order. */
    static List<NetworkInterfaceInfo> lookUp(InterfacePlan plan) throws IOException {
        List<NetworkInterfaceInfo> found = new ArrayList<>();
        for (String name : plan.names()) {
            found.add(NetworkInterfaceInfo.byName(name));
        }
        return found;
    }
}
