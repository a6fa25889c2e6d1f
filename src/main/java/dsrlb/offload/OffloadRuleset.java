package dsrlb.offload;

import dsrlb.net.IpAddress;
import dsrlb.net.MacAddress;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The nftables netdev table the offload engine owns (ARCHITECTURE.md, "Engines and the kernel offload"). Frames to a
 * VIP whose client is in that VIP's map are rewritten and sent back out by the kernel; the
 * rest, a copy of every ARP frame and of every Neighbor Solicitation and Advertisement (with
 * IPv6 VIPs; those to a VIP6 itself go there alone), go to the capture veth where dsrlb reads them. libpcap
 * taps see a frame before the ingress hook, so capturing on the LAN interface itself would copy
 * every kernel-forwarded ACK to user space; the capture veth sees only what dsrlb must decide.
 *
 * @param table table name (netdev family)
 * @param device the LAN interface
 * @param missDevice the veth end frames are sent into
 * @param captureDevice its peer, where dsrlb captures (its own ingress drops everything, so
 *     the namespace's IP stack never sees these frames)
 * @param vips one entry a VIP, in the forwarding state's order
 * @param ownerPid the dsrlb process that owns the table; written into it as a named counter
 *     ({@link #ownerMarker}), so the next start can tell a table a killed dsrlb left from one
 *     that another tool made under the same name
 */
public record OffloadRuleset(
        String table,
        String device,
        String missDevice,
        String captureDevice,
        MacAddress ownMac,
        List<VipRule> vips,
        long ownerPid) {
    /**
     * What a Linux interface name may be (at most 15 bytes, no quote, space or slash): the names
     * go into nft's text between quotes, so one that is not a plain name is refused here rather
     * than trusted to the kernel's own checks.
     */
    static final Pattern INTERFACE_NAME = Pattern.compile("[A-Za-z0-9_.:@-]{1,15}");

    public OffloadRuleset {
        for (String name : List.of(device, missDevice, captureDevice)) {
            if (!INTERFACE_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("not an interface name nft may be given: '" + name + "'");
            }
        }
        if (!table.matches("[A-Za-z0-9_]{1,64}")) {
            throw new IllegalArgumentException("not an nftables table name: '" + table + "'");
        }
        vips = List.copyOf(vips);
    }

    /** Where TFTP read requests go; dsrlb sees each one, whichever path the client's other packets take. */
    static final int TFTP_PORT = 69;
    /** Prefix of the counter that marks a table as dsrlb's; the owner's pid follows. */
    public static final String OWNER_PREFIX = "dsrlb_pid_";
    /** The ICMPv6 messages of Neighbor Discovery that dsrlb answers or learns backends from. */
    static final String ND = "icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert }";

    /**
     * What the kernel is told about one VIP.
     *
     * @param offloaded whether the kernel may forward this VIP's known clients (one `ANY *`
     *     vserver with SOURCEIP persistence or SOURCEIPHASH); otherwise every frame goes to dsrlb
     * @param timeoutSeconds idle time after which the kernel forgets a client; 0 = never
     * @param maxEntries the map's size bound
     * @param vlan the 802.1Q VLAN the VIP lives on ({@code DsrConfig.tagOf}), 0 for the untagged LAN
     */
    public record VipRule(int index, IpAddress vip, boolean offloaded, long timeoutSeconds, long maxEntries, int vlan) {
        public VipRule {
            if (vlan < 0 || vlan > 4094) {
                throw new IllegalArgumentException("not an 802.1Q VLAN id: " + vlan);
            }
        }

        /** A VIP on the untagged LAN. */
        public VipRule(int index, IpAddress vip, boolean offloaded, long timeoutSeconds, long maxEntries) {
            this(index, vip, offloaded, timeoutSeconds, maxEntries, 0);
        }

        /** The map's key type: a VIP's clients are of its family (one IP version a vserver). */
        String keyType() {
            return vip.isIpv4() ? "ipv4_addr" : "ipv6_addr";
        }

        /** The frame's source address in nft's words. */
        String source() {
            return vip.isIpv4() ? "ip saddr" : "ip6 saddr";
        }
    }

    public String ownerMarker() {
        return OWNER_PREFIX + ownerPid;
    }

    /** The same table for another set of VIP rules (a reload that changed a vserver's timeout or size). */
    public OffloadRuleset withVips(List<VipRule> newVips) {
        return new OffloadRuleset(table, device, missDevice, captureDevice, ownMac, newVips, ownerPid);
    }

    public static String mapName(int vipIndex) {
        return "client_" + vipIndex;
    }

    public static String counterName(int vipIndex) {
        return "offloaded_" + vipIndex;
    }

    /** The whole table, created fresh (any table of that name left by a crashed run is replaced). */
    public String create() {
        StringBuilder sb = new StringBuilder();
        sb.append("table netdev ").append(table).append(" {}\n");
        sb.append("delete table netdev ").append(table).append('\n');
        sb.append("table netdev ").append(table).append(" {\n");
        sb.append("  counter ").append(ownerMarker()).append(" { }\n");
        for (VipRule v : vips) {
            if (!v.offloaded()) {
                continue;
            }
            sb.append("  map ")
                    .append(mapName(v.index()))
                    .append(" { type ")
                    .append(v.keyType())
                    .append(" : ether_addr; size ")
                    .append(v.maxEntries())
                    .append("; flags dynamic");
            if (v.timeoutSeconds() > 0) {
                sb.append(",timeout; timeout ").append(v.timeoutSeconds()).append('s');
            }
            sb.append("; }\n");
            sb.append("  counter ").append(counterName(v.index())).append(" { }\n");
        }
        sb.append("  chain ingress {\n");
        sb.append("    type filter hook ingress device \"").append(device).append("\" priority 0; policy accept;\n");
        sb.append("    ether type arp dup to \"").append(missDevice).append("\"\n");
        boolean trunk = vips.stream().anyMatch(v -> v.vlan() != 0);
        if (trunk) {
            // On the netdev ingress hook the kernel has already taken a received frame's 802.1Q
            // tag off into the packet's metadata; nft's link-layer payload puts it back where it
            // was, so a tagged ARP frame reads "ether type 8021q, vlan type arp" and the rule above
            // misses it (docs/operations.md, "VLANs and the kernel offload"). dup and fwd keep
            // the tag in the metadata, so dsrlb reads the copy tagged as it came.
            sb.append("    vlan type arp dup to \"").append(missDevice).append("\"\n");
        }
        String vips6 = vips.stream()
                .filter(v -> !v.vip().isIpv4())
                .map(v -> v.vip().format())
                .collect(Collectors.joining(", "));
        if (!vips6.isEmpty()) {
            // Neighbor Discovery dsrlb needs (ARCHITECTURE.md, "Engines and the kernel offload"):
            // solicitations and advertisements to a VIP6 are dsrlb's alone (its kernel does not
            // hold the VIP6), and before the VIP rules, so that one to an offloaded VIP6 is never
            // forwarded to a backend by the map. The rest of ND, solicitations for a VIP6 sent to
            // its solicited-node group and the backends' advertisements to the host's own
            // address, dsrlb gets a copy of, as of every ARP frame: the host's kernel needs its own ND.
            sb.append("    ip6 daddr { ")
                    .append(vips6)
                    .append(" } ")
                    .append(ND)
                    .append(" fwd to \"")
                    .append(missDevice)
                    .append("\"\n");
            sb.append("    ").append(ND).append(" dup to \"").append(missDevice).append("\"\n");
        }
        for (VipRule v : vips) {
            // A VIP on a VLAN: only frames with its tag, which the kernel keeps on the way out
            // (fwd), so they reach the backend the map names on that same VLAN (the config puts
            // a vserver's services on its VIP's VLAN). Without "vlan id", "ether daddr … ip
            // daddr" implies "ether type ip": untagged frames only.
            String family = v.vip().isIpv4() ? " ip daddr " : " ip6 daddr ";
            String match = "ether daddr " + ownMac + (v.vlan() != 0 ? " vlan id " + v.vlan() : "") + family + v.vip();
            if (v.offloaded()) {
                // Every TFTP read request reaches dsrlb, also from a client the kernel knows: it
                // is one packet a transfer, and it is how dsrlb sees the transfer start (file
                // name, active transfers, LEASTTRANSFERS); the ACKs stay in the kernel.
                sb.append("    ")
                        .append(match)
                        .append(" udp dport ")
                        .append(TFTP_PORT)
                        .append(" fwd to \"")
                        .append(missDevice)
                        .append("\"\n");
                String map = "@" + mapName(v.index());
                sb.append("    ")
                        .append(match)
                        .append(" ether daddr set ")
                        .append(v.source())
                        .append(" map ")
                        .append(map)
                        .append(" update ")
                        .append(map)
                        .append(" { ")
                        .append(v.source())
                        .append(" : ether daddr }")
                        .append(" ether saddr set ")
                        .append(ownMac)
                        .append(" counter name \"")
                        .append(counterName(v.index()))
                        .append("\"")
                        .append(" fwd to \"")
                        .append(device)
                        .append("\"\n");
            }
            // The rest reach dsrlb. On a trunk, whatever their tag or none ("meta protocol" is
            // the frame's type under its tag): dsrlb drops a frame for a VIP that came on another
            // VLAN and counts it (wrong_vlan), as the user-space engines do.
            String rest = trunk
                    ? "ether daddr " + ownMac + (v.vip().isIpv4() ? " meta protocol ip" : " meta protocol ip6") + family
                            + v.vip()
                    : match;
            sb.append("    ")
                    .append(rest)
                    .append(" fwd to \"")
                    .append(missDevice)
                    .append("\"\n");
        }
        sb.append("  }\n");
        sb.append("  chain capture {\n");
        sb.append("    type filter hook ingress device \"")
                .append(captureDevice)
                .append("\" priority 0; policy drop;\n");
        sb.append("  }\n");
        sb.append("}\n");
        return sb.toString();
    }

    public String delete() {
        return "delete table netdev " + table + "\n";
    }

    public String addElement(int vipIndex, int client, MacAddress backend) {
        return addElement(vipIndex, IpAddress.ofIpv4(client), backend);
    }

    /** An IPv4 client is written dotted ({@link IpAddress#format}), as the VIP's ipv4_addr map wants it. */
    public String addElement(int vipIndex, IpAddress client, MacAddress backend) {
        return "add element netdev " + table + " " + mapName(vipIndex) + " { " + client.format() + " : " + backend
                + " }\n";
    }

    /**
     * Removes a client without failing when the kernel already forgot it: adding the element
     * it had (a no-op when present) makes the delete always find it.
     */
    public String removeElement(int vipIndex, int client, MacAddress had) {
        return removeElement(vipIndex, IpAddress.ofIpv4(client), had);
    }

    public String removeElement(int vipIndex, IpAddress client, MacAddress had) {
        return addElement(vipIndex, client, had) + "delete element netdev " + table + " " + mapName(vipIndex) + " { "
                + client.format() + " }\n";
    }

    public String listMap(int vipIndex) {
        return "list map netdev " + table + " " + mapName(vipIndex) + "\n";
    }

    /** Table names only: cheap enough to ask several times a second whether ours is still there. */
    public static String listTables() {
        return "list tables netdev\n";
    }

    /** The table's named counters, where the owner's mark is; not its maps (listing a map prints a warning for `update`). */
    public String listCounters() {
        return "list counters table netdev " + table + "\n";
    }

    public String listCounter(int vipIndex) {
        return "list counter netdev " + table + " " + counterName(vipIndex) + "\n";
    }
}
