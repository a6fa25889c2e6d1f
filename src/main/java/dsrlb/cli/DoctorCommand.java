package dsrlb.cli;

import dsrlb.config.DsrConfig;
import dsrlb.config.InterfacePlan;
import dsrlb.config.ServiceConfig;
import dsrlb.config.VipConfig;
import dsrlb.dataplane.Libpcap;
import dsrlb.dataplane.NetworkInterfaceInfo;
import dsrlb.dataplane.PcapPacketIo;
import dsrlb.doctor.ArpSurvey;
import dsrlb.doctor.Finding;
import dsrlb.doctor.HostChecks;
import dsrlb.engine.EngineKind;
import dsrlb.engine.Engines;
import dsrlb.net.IpAddress;
import dsrlb.net.Ipv4;
import dsrlb.net.MacAddress;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.NetworkInterface;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Checks the LB box against what DSR needs and says what to fix. */
@Command(
        name = "doctor",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Check this host for dsrlb: ip_forward off, CAP_NET_RAW, libpcap, the interface, the VIP not"
                + " held by the kernel, every backend answering ARP, nobody else answering ARP for a VIP.",
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:nothing to fix", "1:something to fix (FAIL lines)", "2:bad config or arguments"})
final class DoctorCommand implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    @Mixin
    InterfaceOption lanInterface;

    @Option(
            names = "--arp-wait",
            defaultValue = "1500",
            paramLabel = "MS",
            description = "How long to collect ARP replies (default: ${DEFAULT-VALUE}).")
    long arpWaitMillis;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        DsrConfig cfg = config.load(spec.commandLine().getErr());
        if (cfg == null) {
            return Main.EXIT_USAGE;
        }
        if (arpWaitMillis < 100 || arpWaitMillis > 30_000) {
            spec.commandLine().getErr().println("dsrlb doctor: --arp-wait 100..30000");
            return Main.EXIT_USAGE;
        }
        List<Finding> findings = new ArrayList<>();
        HostChecks host = new HostChecks(HostChecks::read);
        // The ARP survey asks IPv4 hosts; IPv6 VIPs and backends are not surveyed (yet).
        List<Integer> vips = cfg.vips().stream()
                .map(VipConfig::address)
                .filter(IpAddress::isIpv4)
                .map(IpAddress::ipv4)
                .toList();
        InterfacePlan plan = null;
        List<NetworkInterfaceInfo> nifs = List.of();
        try {
            plan = lanInterface.plan(cfg);
            nifs = InterfaceOption.lookUp(plan);
            for (NetworkInterfaceInfo nif : nifs) {
                findings.add(Finding.ok(
                        "interface",
                        nif.name() + " up, MAC " + nif.mac() + ", " + Ipv4.format(nif.address()) + "/"
                                + nif.prefixLength()));
            }
        } catch (IOException | RuntimeException e) {
            findings.add(Finding.fail("interface", e.getMessage(), "name the server-LAN interface with --interface"));
            nifs = List.of();
        }
        String mismatch = plan == null || nifs.isEmpty() ? null : plan.mismatch(cfg);
        if (mismatch != null) {
            findings.add(Finding.fail("interfaces", mismatch, "bind each VLAN to an interface dsrlb serves"));
        }
        for (NetworkInterfaceInfo nif : nifs) {
            findings.add(host.ipForward(nif.name()));
            findings.add(host.txChecksumOffload(nif.name(), ethtoolFeatures(nif.name())));
        }
        findings.add(host.capabilities());
        findings.add(engineFinding(cfg));
        findings.add(
                host.vipNotInKernel(cfg.vips().stream().map(VipConfig::address).toList(), kernelAddresses()));
        if (!nifs.isEmpty()) {
            // IPv6 services on no VLAN live on the first interface, the default LAN.
            NetworkInterfaceInfo defaultLan = nifs.get(0);
            findings.add(host.ipv6Address(
                    defaultLan.name(),
                    defaultLan.ipv6Address(),
                    // A VLAN's IPv6 backends are asked from the VLAN's own -IPAddress instead.
                    cfg.services().values().stream()
                            .anyMatch(s -> s.address().isIpv6() && cfg.vlanOf(s.address()) == null)));
        }
        for (int i = 0; i < nifs.size(); i++) {
            InterfacePlan served = plan;
            int index = i;
            List<Integer> here = vips.stream()
                    .filter(v -> served.indexOf(cfg, IpAddress.ofIpv4(v)) == index)
                    .toList();
            findings.addAll(arp(cfg, nifs.get(i), here, a -> served.indexOf(cfg, a) == index));
        }
        return print(findings);
    }

    /** Which engine `run` (--engine auto) would take here, and why it skips the faster ones. */
    static Finding engineFinding(DsrConfig cfg) {
        Engines.Preview p = Engines.preview(cfg);
        String skipped = p.skipped().isEmpty() ? "" : "; " + String.join("; ", p.skipped());
        if (p.picked() == null) {
            return Finding.fail("engine", "no engine can run" + skipped, "install libpcap0.8 and run with CAP_NET_RAW");
        }
        String picked = "run would pick " + p.picked().cliName() + skipped;
        if (p.picked() == EngineKind.OFFLOAD) {
            return Finding.ok("engine", picked);
        }
        return Finding.warn(
                "engine",
                picked,
                "for the kernel fast path grant CAP_NET_ADMIN and install "
                        + "libnftables1; without it every frame to a VIP crosses user space");
    }

    /**
     * Asks ARP on {@code nif} for the IPv4 backends and VIPs that live on it ({@code here}).
     * The survey asks untagged from the interface's own address: what lives on a tagged VLAN is
     * reported as not surveyed rather than as silent.
     */
    private List<Finding> arp(
            DsrConfig cfg, NetworkInterfaceInfo nif, List<Integer> vipsHere, Predicate<IpAddress> here) {
        List<Finding> out = new ArrayList<>();
        List<Integer> backends = new ArrayList<>();
        for (IpAddress a : cfg.services().values().stream()
                .map(ServiceConfig::address)
                .filter(IpAddress::isIpv4)
                .filter(here)
                .distinct()
                .toList()) {
            if (cfg.tagOf(a) == 0) {
                backends.add(a.ipv4());
            } else {
                out.add(notSurveyed("backend " + a, cfg.tagOf(a)));
            }
        }
        List<Integer> vips = new ArrayList<>();
        for (int v : vipsHere) {
            if (cfg.tagOf(v) == 0) {
                vips.add(v);
            } else {
                out.add(notSurveyed("VIP " + Ipv4.format(v), cfg.tagOf(v)));
            }
        }
        if (backends.isEmpty() && vips.isEmpty()) {
            return out;
        }
        List<Integer> asked = new ArrayList<>(backends);
        asked.addAll(vips);
        ArpSurvey.Answers answers;
        Libpcap.configure();
        try (PcapPacketIo io = PcapPacketIo.open(nif.name(), nif.mac(), "arp and not ether src " + nif.mac())) {
            out.add(Finding.ok("libpcap", "opened " + nif.name()));
            answers = ArpSurvey.ask(io, nif.address(), asked, arpWaitMillis);
        } catch (IOException e) {
            out.add(Finding.fail("libpcap", e.getMessage(), "install libpcap0.8 and run with CAP_NET_RAW"));
            return out;
        } catch (UnsatisfiedLinkError | NoClassDefFoundError | ExceptionInInitializerError e) {
            out.add(Finding.fail("libpcap", "cannot be loaded: " + e, "apt-get install libpcap0.8"));
            return out;
        }
        for (int b : backends) {
            List<MacAddress> macs = answers.of(b);
            if (macs.isEmpty()) {
                out.add(Finding.fail(
                        "backend " + Ipv4.format(b), "no ARP reply", "is it up and on " + nif.name() + "'s subnet?"));
            } else {
                out.add(Finding.ok("backend " + Ipv4.format(b), "answers ARP: " + macs.get(0)));
            }
        }
        for (int vip : vips) {
            List<MacAddress> macs = answers.of(vip);
            if (macs.isEmpty()) {
                out.add(Finding.ok("VIP " + Ipv4.format(vip), "nobody else answers ARP for it"));
            } else {
                out.add(Finding.fail(
                        "VIP " + Ipv4.format(vip),
                        "answered by " + macs.stream().map(Object::toString).collect(Collectors.joining(", ")),
                        "on that host: sysctl -w net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2"
                                + " (see dsrlb backend-setup)"));
            }
        }
        return out;
    }

    private static Finding notSurveyed(String check, int vlan) {
        return Finding.warn(
                check,
                "on tagged vlan " + vlan + ": not surveyed (doctor asks ARP untagged)",
                "check it from the VLAN's own -IPAddress (arping -I <subinterface>)");
    }

    private int print(List<Finding> findings) {
        PrintWriter out = spec.commandLine().getOut();
        boolean failed = false;
        for (Finding f : findings) {
            out.printf("%-4s %-24s %s%n", f.level(), f.check(), f.detail());
            if (f.fix() != null) {
                out.printf("     %-24s fix: %s%n", "", f.fix());
            }
            failed |= f.level() == Finding.Level.FAIL;
        }
        out.println(failed ? "something to fix" : "nothing to fix");
        out.flush();
        return failed ? 1 : 0;
    }

    private static List<IpAddress> kernelAddresses() {
        List<IpAddress> addresses = new ArrayList<>();
        try {
            for (NetworkInterface n : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                for (var a : Collections.list(n.getInetAddresses())) {
                    if (a instanceof Inet4Address v4) {
                        addresses.add(IpAddress.ofIpv4(Ipv4.parse(v4.getHostAddress())));
                    } else if (a instanceof Inet6Address v6) {
                        addresses.add(IpAddress.ofIpv6(v6.getAddress(), 0));
                    }
                }
            }
        } catch (IOException e) {
            // An empty list makes the VIP check pass; the interface check reports the real problem.
        }
        return addresses;
    }

    /** `ethtool -k IF` (an argument vector, no shell), or null when it cannot run. */
    private static String ethtoolFeatures(String ifName) {
        try {
            Process p = new ProcessBuilder("ethtool", "-k", ifName)
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (!p.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return null;
            }
            return p.exitValue() == 0 ? out : null;
        } catch (java.io.IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
