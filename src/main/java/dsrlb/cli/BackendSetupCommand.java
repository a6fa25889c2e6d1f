package dsrlb.cli;

import dsrlb.config.DsrConfig;
import dsrlb.config.VipConfig;
import dsrlb.net.IpAddress;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Prints what each backend needs for DSR: the VIP on a loopback so it accepts and answers
 * from it, and no ARP for the VIP on the LAN (only dsrlb may answer that).
 */
@Command(
        name = "backend-setup",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Print the commands that prepare a backend (Linux, FreeBSD, Windows) for the VIPs, "
                + "given with --vip or taken from a config.")
final class BackendSetupCommand implements Callable<Integer> {
    enum Os {
        linux,
        freebsd,
        windows
    }

    /** Where the VIPs come from: named on the command line, or every VIP of a config. */
    static final class VipSource {
        @Option(
                names = "--vip",
                paramLabel = "ADDRESS",
                required = true,
                description = "A VIP the backend must accept and answer from; repeat for several.")
        List<String> vips;

        @Option(
                names = {"-c", "--config"},
                paramLabel = "FILE",
                required = true,
                description = "Take every VIP of this config (NetScaler CLI dialect).")
        Path config;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    VipSource source;

    @Option(
            names = "--os",
            defaultValue = "linux",
            description = "One of: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Os os;

    @Option(
            names = "--lan-interface",
            paramLabel = "IF",
            description = "The backend's interface on the server LAN (default: eth0 on Linux, Ethernet on Windows).")
    String lanInterface;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        List<String> vips = vips(err);
        if (vips == null) {
            return Main.EXIT_USAGE;
        }
        if (lanInterface == null) {
            lanInterface = os == Os.windows ? "Ethernet" : "eth0";
        }
        // It is pasted into a root shell on the backend: only a plain interface name (Windows
        // aliases may hold spaces; they are printed inside double quotes).
        String allowed = os == Os.windows ? "[A-Za-z0-9_.() -]{1,64}" : "[A-Za-z0-9_.:@-]{1,15}";
        if (!lanInterface.matches(allowed)) {
            err.println("dsrlb backend-setup: --lan-interface '" + lanInterface + "' is not an interface name");
            return Main.EXIT_USAGE;
        }
        PrintWriter out = spec.commandLine().getOut();
        switch (os) {
            case linux -> linux(out, vips);
            case freebsd -> freebsd(out, vips);
            case windows -> windows(out, vips);
        }
        return 0;
    }

    /** The VIPs in dotted-quad form, each once, or null after printing why not. */
    private List<String> vips(PrintWriter err) {
        Set<String> vips = new LinkedHashSet<>();
        if (source.config != null) {
            DsrConfig c = ConfigOption.load(source.config, err);
            if (c == null) {
                return null;
            }
            c.vips().stream().map(VipConfig::address).map(IpAddress::format).forEach(vips::add);
            if (vips.isEmpty()) {
                err.println(source.config + ": no VIP in this config");
                return null;
            }
        } else {
            for (String v : source.vips) {
                try {
                    // Re-formatted from the parsed value, so only an address reaches the output.
                    vips.add(IpAddress.parse(v.trim()).format());
                } catch (IllegalArgumentException e) {
                    err.println("dsrlb backend-setup: --vip: " + e.getMessage());
                    return null;
                }
            }
        }
        return new ArrayList<>(vips);
    }

    private void linux(PrintWriter out, List<String> vips) {
        String lan = lanInterface;
        out.println("# On each Linux backend, as root. Only dsrlb may answer ARP for the VIP:");
        out.println("sysctl -w net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2");
        out.println("sysctl -w net.ipv4.conf." + lan + ".arp_ignore=1 net.ipv4.conf." + lan + ".arp_announce=2");
        out.println("sysctl -w net.ipv4.conf.all.rp_filter=0 net.ipv4.conf." + lan
                + ".rp_filter=0 net.ipv4.conf.lo.rp_filter=0");
        out.println("# Accept packets for the VIP and answer from it:");
        vips.forEach(v -> out.println("ip addr add " + v + prefix(v) + " dev lo"));
        if (vips.stream().anyMatch(BackendSetupCommand::isIpv6)) {
            // Linux answers a Neighbor Solicitation only for an address on the interface that
            // received it, so a VIP6 on lo stays silent on the LAN without an arp_ignore of its own.
            out.println("# IPv6: a VIP on lo is not answered on " + lan
                    + " (Linux answers Neighbor Solicitations only for the receiving interface's addresses);");
            out.println(
                    "# keep IPv6 forwarding off and router advertisements from setting the default route as usual.");
        }
        out.println("# Keep it across reboots:");
        out.println("cat > /etc/sysctl.d/90-dsrlb.conf <<'END'");
        out.println("net.ipv4.conf.all.arp_ignore = 1");
        out.println("net.ipv4.conf.all.arp_announce = 2");
        out.println("net.ipv4.conf." + lan + ".arp_ignore = 1");
        out.println("net.ipv4.conf." + lan + ".arp_announce = 2");
        out.println("net.ipv4.conf.all.rp_filter = 0");
        out.println("net.ipv4.conf." + lan + ".rp_filter = 0");
        out.println("net.ipv4.conf.lo.rp_filter = 0");
        out.println("END");
        out.println("# and the VIP on lo in /etc/network/interfaces (ifupdown), under 'iface lo inet loopback':");
        vips.forEach(v -> out.println("#   up ip addr add " + v + prefix(v) + " dev lo"));
        out.println("# TFTP servers (tftpd-hpa, dnsmasq) then answer from the VIP; check with:");
        out.println("#   ip addr show dev lo   and   sysctl net.ipv4.conf.all.arp_ignore");
    }

    private static boolean isIpv6(String vip) {
        return vip.indexOf(':') >= 0;
    }

    private static String prefix(String vip) {
        return isIpv6(vip) ? "/128" : "/32";
    }

    private static void freebsd(PrintWriter out, List<String> vips) {
        out.println("# On each FreeBSD backend, as root. FreeBSD does not answer ARP or NDP for addresses on lo0:");
        vips.forEach(v -> out.println(
                isIpv6(v)
                        ? "ifconfig lo0 inet6 " + v + " prefixlen 128 alias"
                        : "ifconfig lo0 alias " + v + " netmask 255.255.255.255"));
        out.println("# Keep it across reboots:");
        for (int i = 0; i < vips.size(); i++) {
            String v = vips.get(i);
            out.println(
                    isIpv6(v)
                            ? "sysrc ifconfig_lo0_alias" + i + "=\"inet6 " + v + " prefixlen 128\""
                            : "sysrc ifconfig_lo0_alias" + i + "=\"inet " + v + " netmask 255.255.255.255\"");
        }
    }

    private void windows(PrintWriter out, List<String> vips) {
        out.println("# On each Windows backend, in an elevated PowerShell: add a loopback adapter");
        out.println("# (hdwwiz: Microsoft KM-TEST Loopback Adapter), rename it \"Loopback\", then:");
        vips.forEach(v -> out.println("New-NetIPAddress -InterfaceAlias Loopback -IPAddress " + v + " -PrefixLength "
                + (isIpv6(v) ? 128 : 32) + " -SkipAsSource $true"));
        out.println(
                "Set-NetIPInterface -InterfaceAlias Loopback -WeakHostReceive Enabled -WeakHostSend Enabled -DadTransmits 0");
        out.println("Set-NetIPInterface -InterfaceAlias \"" + lanInterface
                + "\" -WeakHostReceive Enabled -WeakHostSend Enabled");
        out.println("# The loopback adapter does not answer ARP; these settings survive reboots.");
    }
}
