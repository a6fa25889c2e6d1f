package dsrlb.cli;

import dsrlb.config.DsrConfig;
import dsrlb.config.VipConfig;
import dsrlb.net.Ipv4;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Prints what each backend needs for DSR: the VIP on a loopback so it accepts and answers
 * from it, and no ARP for the VIP on the LAN (only dsrlb may answer that).
 */
@Command(name = "backend-setup", mixinStandardHelpOptions = true,
        description = "Print the steps that prepare a backend (Linux, FreeBSD, Windows) for the config's VIPs.")
final class BackendSetupCommand implements Callable<Integer> {
    enum Os { linux, freebsd, windows }

    @Mixin
    ConfigOption config;

    @Option(names = "--os", defaultValue = "linux", description = "One of: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Os os;

    @Option(names = "--lan-interface", defaultValue = "eth0", paramLabel = "IF",
            description = "The backend's interface on the server LAN (default: ${DEFAULT-VALUE}).")
    String lanInterface;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        DsrConfig c = config.load(spec.commandLine().getErr());
        if (c == null) {
            return Main.EXIT_USAGE;
        }
        List<String> vips = c.vips().stream().map(VipConfig::address).map(Ipv4::format).toList();
        PrintWriter out = spec.commandLine().getOut();
        switch (os) {
            case linux -> {
                out.println("# On each backend, as root (persist the sysctls in /etc/sysctl.d/90-dsrlb.conf):");
                out.println("sysctl -w net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2");
                out.println("sysctl -w net.ipv4.conf." + lanInterface + ".arp_ignore=1 net.ipv4.conf."
                        + lanInterface + ".arp_announce=2");
                out.println("sysctl -w net.ipv4.conf.all.rp_filter=0 net.ipv4.conf." + lanInterface
                        + ".rp_filter=0 net.ipv4.conf.lo.rp_filter=0");
                vips.forEach(v -> out.println("ip addr add " + v + "/32 dev lo"));
                out.println("# TFTP servers (tftpd-hpa, dnsmasq) then answer from the VIP; check with:");
                out.println("#   ip addr show dev lo   and   sysctl net.ipv4.conf.all.arp_ignore");
            }
            case freebsd -> {
                out.println("# On each backend, as root (persist in /etc/rc.conf: ifconfig_lo0_aliasN=...):");
                vips.forEach(v -> out.println("ifconfig lo0 alias " + v + " netmask 255.255.255.255"));
                out.println("# FreeBSD does not answer ARP for addresses on lo0; nothing else is needed.");
            }
            case windows -> {
                out.println("# On each backend, in an elevated PowerShell: add a loopback adapter");
                out.println("# (hdwwiz: Microsoft KM-TEST Loopback Adapter), then, with its name as \"Loopback\":");
                vips.forEach(v -> out.println("New-NetIPAddress -InterfaceAlias Loopback -IPAddress " + v
                        + " -PrefixLength 32 -SkipAsSource $true"));
                out.println("Set-NetIPInterface -InterfaceAlias Loopback -WeakHostReceive Enabled -WeakHostSend Enabled -DadTransmits 0");
                out.println("Set-NetIPInterface -InterfaceAlias \"" + lanInterface
                        + "\" -WeakHostReceive Enabled -WeakHostSend Enabled");
            }
        }
        return 0;
    }
}
