package dsrlb.doctor;

import dsrlb.net.IpAddress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

/**
 * Checks of the LB host that need no packets: forwarding off, capabilities, the VIP not held
 * by the kernel. The file reader is a parameter so tests can feed /proc contents.
 */
public final class HostChecks {
    static final int CAP_NET_ADMIN = 12;
    static final int CAP_NET_RAW = 13;

    private final Function<String, String> readFile;

    /** @param readFile path → content, or null when it cannot be read */
    public HostChecks(Function<String, String> readFile) {
        this.readFile = readFile;
    }

    public Finding ipForward(String ifName) {
        String all = trim(readFile.apply("/proc/sys/net/ipv4/ip_forward"));
        String dev = trim(readFile.apply("/proc/sys/net/ipv4/conf/" + ifName + "/forwarding"));
        if (all == null) {
            return Finding.warn("ip_forward", "cannot read /proc/sys/net/ipv4/ip_forward", "check it by hand");
        }
        if (all.equals("0") && (dev == null || dev.equals("0"))) {
            return Finding.ok("ip_forward", "0: the kernel does not forward a second copy of VIP frames");
        }
        return Finding.fail(
                "ip_forward",
                "ip_forward=" + all + (dev != null ? ", " + ifName + ".forwarding=" + dev : "")
                        + ": the kernel would forward a second copy of frames dsrlb forwards",
                "sysctl -w net.ipv4.ip_forward=0 (and persist it in /etc/sysctl.d)");
    }

    public Finding capabilities() {
        String status = readFile.apply("/proc/self/status");
        if (status == null) {
            return Finding.warn("capabilities", "cannot read /proc/self/status", "run as root or with CAP_NET_RAW");
        }
        long eff = 0;
        for (String line : status.split("\n", -1)) {
            if (line.startsWith("CapEff:")) {
                eff = Long.parseUnsignedLong(line.substring(7).trim(), 16);
            }
        }
        if ((eff & (1L << CAP_NET_RAW)) == 0) {
            return Finding.fail(
                    "capabilities",
                    "no CAP_NET_RAW: libpcap cannot open the interface",
                    "run as root, or grant it: setcap cap_net_raw+ep on the java binary, or AmbientCapabilities=CAP_NET_RAW in the unit");
        }
        return Finding.ok(
                "capabilities", "CAP_NET_RAW" + ((eff & (1L << CAP_NET_ADMIN)) != 0 ? " and CAP_NET_ADMIN" : ""));
    }

    /** The VIPs must not be on any kernel interface of the LB host: dsrlb answers ARP for them. */
    /**
     * Transmit checksum offload, from {@code ethtool -k} output (null when ethtool could not
     * run). With it on, veth and virtio hand captured frames over with partial UDP/TCP
     * checksums; dsrlb completes them, so this informs rather than warns.
     */
    public Finding txChecksumOffload(String ifName, String ethtoolFeatures) {
        if (ethtoolFeatures == null) {
            return Finding.warn(
                    "tx checksum offload",
                    "ethtool -k " + ifName + " did not run",
                    "apt-get install ethtool to see it; dsrlb completes partial checksums either way");
        }
        for (String line : ethtoolFeatures.split("\n", -1)) {
            String l = line.strip();
            if (l.startsWith("tx-checksumming:")) {
                boolean on = l.substring("tx-checksumming:".length()).strip().startsWith("on");
                return Finding.ok(
                        "tx checksum offload",
                        ifName + " tx-checksumming "
                                + (on
                                        ? "on: captured frames may carry partial checksums, dsrlb completes them"
                                        : "off: checksums arrive complete"));
            }
        }
        return Finding.warn(
                "tx checksum offload",
                "ethtool -k " + ifName + " says nothing of tx-checksumming",
                "dsrlb completes partial checksums either way");
    }

    public Finding vipNotInKernel(List<IpAddress> vips, List<IpAddress> kernelAddresses) {
        for (IpAddress vip : vips) {
            if (kernelAddresses.contains(vip)) {
                return Finding.fail(
                        "VIP",
                        vip + " is configured on a kernel interface of this host",
                        "ip addr del " + vip + (vip.isIpv4() ? "/32" : "/128") + " dev <if>: dsrlb owns the VIP by"
                                + " answering " + (vip.isIpv4() ? "ARP" : "Neighbor Solicitations") + " itself");
            }
        }
        return Finding.ok("VIP", "not held by the kernel");
    }

    /**
     * IPv6 backends are asked by Neighbor Discovery from the interface's own IPv6 address (and
     * monitored from it): without one they stay DOWN.
     */
    public Finding ipv6Address(String ifName, IpAddress own, boolean ipv6Services) {
        if (!ipv6Services) {
            return Finding.ok("IPv6", "no IPv6 services");
        }
        if (own == null) {
            return Finding.fail(
                    "IPv6",
                    ifName + " has no IPv6 address: the IPv6 services cannot be resolved or monitored",
                    "give " + ifName + " an address on the servers' IPv6 subnet (ip -6 addr add ... dev " + ifName
                            + ")");
        }
        return Finding.ok("IPv6", "backends asked and monitored from " + own);
    }

    /** Reads a file, or null. */
    public static String read(String path) {
        try {
            return Files.readString(Path.of(path));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static String trim(String s) {
        return s == null ? null : s.trim();
    }
}
