package dsrlb.cli;

import dsrlb.config.DsrConfig;
import dsrlb.dataplane.NetworkInterfaceInfo;
import java.io.IOException;
import picocli.CommandLine.Option;

/** {@code --interface IF}, shared by the commands that work on the server LAN. */
final class InterfaceOption {
    @Option(
            names = {"-i", "--interface"},
            paramLabel = "IF",
            description = "Interface on the server LAN (default: the one whose subnet holds the first VIP).")
    String name;

    /** The named interface, or the one whose subnet holds the config's first VIP. */
    NetworkInterfaceInfo resolve(DsrConfig cfg) throws IOException {
        return name != null
                ? NetworkInterfaceInfo.byName(name)
                : NetworkInterfaceInfo.forAddress(cfg.vips().get(0).address());
    }
}
