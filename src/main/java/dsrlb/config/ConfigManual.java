package dsrlb.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * dsrlb.conf(5), written from the parser's own command table (ConfigParser.commandTable), so the
 * manual lists exactly the commands and options the parser reads, the NetScaler options it
 * accepts without effect and the ones it refuses. packaging/build-docs turns the AsciiDoc into
 * the man page. ConfigManualTest fails when a command or option has no description here.
 */
public final class ConfigManual {
    static final Map<String, String> COMMANDS = Map.ofEntries(
            Map.entry("add ns ip", "A VIP that dsrlb owns by answering ARP for it (only -type VIP)."),
            Map.entry(
                    "add ns ip6",
                    "An IPv6 VIP (2001:db8::20 or 2001:db8::20/64, only -type VIP) that dsrlb owns by answering"
                            + " Neighbor Solicitations for it; its vservers' servers must be IPv6 hosts holding it on"
                            + " their loopback. It lives on the VLAN whose IPv6 subnet holds it (bind vlan"
                            + " -IPAddress <ip6>/<prefix>), else on the untagged LAN."),
            Map.entry("add route", "Checked and reported, not applied: the LB host's kernel routes."),
            Map.entry(
                    "add vlan",
                    "An 802.1Q VLAN (id 1..4094) of the trunk dsrlb serves; bind it to the interface and to"
                            + " its subnets."),
            Map.entry(
                    "bind vlan",
                    "Either puts the VLAN on an interface (-ifnum, with -tagged for a trunk) or gives it a"
                            + " subnet (-IPAddress): a VIP or server whose address lies in the subnet lives on that"
                            + " VLAN. dsrlb answers ARP (NDP for IPv6) for the VIP, asks ARP (NDP) of the servers"
                            + " and forwards on that VLAN only, with the tag kept. The address itself is the LB host's: give it to a"
                            + " VLAN subinterface (ip link add link eth0 name eth0.100 type vlan id 100), which the"
                            + " health monitors probe through."),
            Map.entry("add server", "A backend host by name."),
            Map.entry(
                    "add service",
                    "A backend service: a server (or an address, which creates its server), a protocol"
                            + " (ANY, UDP, TCP) and a port or *."),
            Map.entry("set service", "Changes a service's administrative state."),
            Map.entry("enable service", "Enables a service (its default)."),
            Map.entry("disable service", "Disables a service: OUT OF SERVICE, it gets no clients."),
            Map.entry(
                    "add lb vserver",
                    "A virtual server on a VIP: a protocol (ANY, UDP, TCP) and a port or *. TFTP needs ANY *"
                            + " with SOURCEIP persistence: its answers come from new ports."),
            Map.entry("bind lb vserver", "Makes a service one of the vserver's backends."),
            Map.entry(
                    "add lb monitor",
                    "A TFTP health check that downloads a file for real, from the backend's own address and"
                            + " through the DSR path."),
            Map.entry("bind service", "Checks a service with a monitor."));

    static final Map<String, String> OPTIONS = Map.ofEntries(
            Map.entry("type", "VIP (the only type dsrlb owns)."),
            Map.entry("state", "ENABLED or DISABLED."),
            Map.entry("persistenceType", "SOURCEIP (a client stays on its service) or NONE."),
            Map.entry(
                    "timeout",
                    "Minutes (0..1440) a persisted client is kept without a packet; NetScaler's default 2; 0"
                            + " keeps it until the table is full."),
            Map.entry(
                    "lbMethod",
                    "ROUNDROBIN, SOURCEIPHASH (Maglev: every dsrlb with this config picks the same service for"
                            + " a client) or LEASTTRANSFERS (fewest active TFTP transfers per unit of weight)."),
            Map.entry("m", "MAC: forwarding by MAC address, the only mode."),
            Map.entry(
                    "persistenceMaxEntries",
                    "The persistence table's bound (default 1000000); least recently used go first."),
            Map.entry("weight", "1..100, the service's share of new clients."),
            Map.entry("file", "The file the monitor downloads."),
            Map.entry("interval", "Seconds between probes (default 5)."),
            Map.entry("resptimeout", "Seconds to wait for an answer, less than -interval (default 2)."),
            Map.entry("retries", "Failed probes in a row before DOWN (default 3)."),
            Map.entry("successRetries", "Passed probes in a row before UP (default 1)."),
            Map.entry("downTime", "Seconds between probes while DOWN (default 30)."),
            Map.entry("destPort", "The port probed (default: the service's, 69 for *)."),
            Map.entry("blksize", "RFC 2348 block size to ask (default: plain 512-byte blocks)."),
            Map.entry("expectSize", "The size the file must have."),
            Map.entry("expectSha256", "The SHA-256 the file must have."),
            Map.entry("monitorName", "The monitor to bind."),
            Map.entry(
                    "ifnum",
                    "The Linux interface the VLAN is on (NetScaler's 1/1 is eth0 here): the one dsrlb serves"
                            + " (--interface); another is an error at start."),
            Map.entry(
                    "tagged",
                    "The VLAN's frames carry its tag on the interface (a trunk); without it the VLAN is the"
                            + " interface's untagged one."),
            Map.entry(
                    "IPAddress",
                    "<ip> <netmask>, or <ip6>/<prefix> for IPv6 (no netmask): the LB host's own address on the"
                            + " VLAN and the subnet the VLAN owns; subnets of different VLANs must not overlap."),
            Map.entry(
                    "vlan",
                    "The VLAN (1..4094) the VIP6 is on: checked against the subnets, the one whose IPv6 subnet"
                            + " holds the address must be this one."));

    private ConfigManual() {}

    /** Writes the AsciiDoc source of dsrlb.conf(5) to {@code args[0]}. */
    public static void main(String[] args) throws IOException {
        Files.writeString(Path.of(args[0]), asciidoc(), StandardCharsets.UTF_8);
    }

    static String asciidoc() {
        StringBuilder a = new StringBuilder();
        a.append("= dsrlb.conf(5)\n:doctype: manpage\n:manmanual: dsrlb manual\n:mansource: dsrlb\n\n");
        a.append("== Name\n\ndsrlb.conf - dsrlb's configuration, in the NetScaler CLI dialect\n\n");
        a.append("== Synopsis\n\n/etc/dsrlb/dsrlb.conf\n\n");
        a.append(
                "== Description\n\nOne command a line; # starts a comment; keywords and option names are case-insensitive."
                        + " The whole file is checked before anything is used: the first problem stops the load with"
                        + " _file:line: message_ (dsrlb check, dsrlb run and dsrlb reload all say it). Options NetScaler has"
                        + " that mean nothing in MAC-mode forwarding are accepted and reported once; options whose effect"
                        + " dsrlb would not reproduce, and unknown ones, are errors.\n\n");
        a.append("== Commands\n\n");
        for (CommandSpec spec : ConfigParser.commandTable()) {
            a.append("=== ").append(spec.name()).append("\n\n");
            a.append("*").append(escape(spec.usage())).append("*\n\n");
            a.append(escape(COMMANDS.get(spec.name()))).append("\n\n");
            for (String option : spec.options().values()) {
                a.append("*-")
                        .append(option)
                        .append("*::\n")
                        .append(escape(OPTIONS.get(option)))
                        .append("\n");
            }
            if (!spec.options().isEmpty()) {
                a.append('\n');
            }
            if (!spec.ignored().isEmpty()) {
                Map<String, String> byReason = new TreeMap<>();
                spec.ignored()
                        .values()
                        .forEach(o -> byReason.merge(o.reason(), "-" + o.name(), (x, y) -> x + ", " + y));
                a.append("Accepted and reported once, without effect:\n\n");
                byReason.forEach((reason, names) -> a.append("* ")
                        .append(escape(names))
                        .append(" (")
                        .append(escape(reason))
                        .append(")\n"));
                a.append('\n');
            }
            if (!spec.unsupported().isEmpty()) {
                a.append("Refused (dsrlb would not do what they ask): ")
                        .append(escape(
                                "-" + String.join(", -", spec.unsupported().values())))
                        .append(".\n\n");
            }
        }
        a.append("== Example\n\n....\n")
                .append("add ns ip 198.51.100.20 255.255.255.255 -type VIP\n")
                .append("add service tftp1 198.51.100.30 ANY *\n")
                .append("add lb vserver tftp ANY 198.51.100.20 * -persistenceType SOURCEIP -timeout 100 -m MAC\n")
                .append("bind lb vserver tftp tftp1\n")
                .append("....\n\n");
        a.append("== Files\n\n");
        a.append("/etc/dsrlb/dsrlb.conf:: the configuration the packaged service reads.\n");
        a.append("/usr/share/doc/dsrlb/examples/:: the seed config and the others of the project.\n\n");
        a.append("== See also\n\n*dsrlb*(1), *dsrlb-run*(1), *dsrlb-check*(1), *dsrlb-reload*(1)\n");
        return a.toString();
    }

    /** AsciiDoc reads * _ ` # + as markup; the commands' usage has brackets and asterisks. */
    private static String escape(String s) {
        return s.replace("*", "{asterisk}").replace("_", "{underscore}").replace("`", "{backtick}");
    }
}
