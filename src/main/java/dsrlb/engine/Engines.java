package dsrlb.engine;

import dsrlb.config.DsrConfig;
import dsrlb.config.InterfacePlan;
import dsrlb.config.VipConfig;
import dsrlb.dataplane.Libpcap;
import dsrlb.dataplane.NativePacketIo;
import dsrlb.dataplane.NetworkInterfaceInfo;
import dsrlb.dataplane.PcapPacketIo;
import dsrlb.offload.OffloadEngine;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.pcap4j.core.Pcaps;

/**
 * Opens the engine {@code --engine} names, or for {@link EngineKind#AUTO} the first of
 * {@link EngineKind#AUTO_ORDER} that starts, remembering why each one before it could not.
 * An engine named explicitly never falls back: its failure is the caller's error. Neither does
 * auto when the kernel path is blocked by something of another owner (a table of the same name):
 * falling back would hide a conflict the operator has to settle.
 */
public final class Engines {

    /**
     * How to open the engines; only the engine a setting belongs to reads it.
     *
     * @param offloadMaxClients the most clients one kernel map holds (--offload-max-clients)
     */
    public record Options(
            NativePacketIo.Ring nativeRing, long offloadSyncNanos, long offloadMaxClients, int realtimePriority) {}

    /** --offload-max-clients when not given: sized to this JVM's maximum heap ({@link OffloadEngine#defaultMaxClients}). */
    public static long defaultOffloadMaxClients() {
        return OffloadEngine.defaultMaxClients(Runtime.getRuntime().maxMemory());
    }

    /**
     * The engine that was opened, and why the ones before it were not.
     *
     * @param skipped for auto, one line per engine tried before the chosen one:
     *     "offload skipped: no CAP_NET_ADMIN"
     */
    public record Choice(PacketEngine engine, List<String> skipped) {
        public Choice {
            skipped = List.copyOf(skipped);
        }
    }

    private Engines() {}

    public static Choice open(EngineKind kind, DsrConfig cfg, NetworkInterfaceInfo nif, Options options)
            throws EngineUnavailableException {
        return open(kind, cfg, nif, null, options);
    }

    /**
     * As {@link #open(EngineKind, DsrConfig, NetworkInterfaceInfo, Options)} for one of several
     * interfaces: the engine captures, and keeps kernel rules for, the VIPs marked in {@code
     * servedVips} only (by index; null: all).
     */
    public static Choice open(
            EngineKind kind, DsrConfig cfg, NetworkInterfaceInfo nif, boolean[] servedVips, Options options)
            throws EngineUnavailableException {
        if (kind != EngineKind.AUTO) {
            return new Choice(openOne(kind, cfg, nif, servedVips, options), List.of());
        }
        List<String> skipped = new ArrayList<>();
        for (EngineKind k : EngineKind.AUTO_ORDER) {
            try {
                return new Choice(openOne(k, cfg, nif, servedVips, options), skipped);
            } catch (EngineUnavailableException e) {
                if (e.conflict()) {
                    throw e;
                }
                skipped.add(k.cliName() + " skipped: " + e.getMessage());
            }
        }
        throw new EngineUnavailableException(
                EngineKind.AUTO, "no engine can run here: " + String.join("; ", skipped), null);
    }

    /**
     * What {@code run --engine auto} would pick, without opening it.
     *
     * @param picked the engine, or null when none can run
     * @param skipped one line per engine before it, as {@link Choice#skipped}
     */
    public record Preview(EngineKind picked, List<String> skipped) {
        public Preview {
            skipped = List.copyOf(skipped);
        }
    }

    /**
     * What {@code run --engine auto} would pick on this host, without setting anything up
     * (for {@code dsrlb doctor}): the first engine whose preconditions hold, and why the others do not.
     */
    public static Preview preview(DsrConfig cfg) {
        List<String> skipped = new ArrayList<>();
        for (EngineKind k : EngineKind.AUTO_ORDER) {
            Optional<String> why = whyNot(k, cfg);
            if (why.isEmpty()) {
                return new Preview(k, skipped);
            }
            skipped.add(k.cliName() + " skipped: " + why.get());
        }
        return new Preview(null, skipped);
    }

    /** The reason {@code kind} cannot start on this host, checked without opening anything. */
    public static Optional<String> whyNot(EngineKind kind, DsrConfig cfg) {
        return whyNot(kind, cfg, Capabilities.ofThisProcess());
    }

    static Optional<String> whyNot(EngineKind kind, DsrConfig cfg, Capabilities caps) {
        if (!caps.has(Capabilities.CAP_NET_RAW)) {
            return Optional.of("no CAP_NET_RAW (run as root or grant it: AmbientCapabilities=CAP_NET_RAW)");
        }
        Optional<String> pcap = libpcapMissing();
        if (pcap.isPresent()) {
            return pcap;
        }
        return switch (kind) {
            case AUTO, PCAP -> Optional.empty();
            case NATIVE -> {
                try {
                    NativePacketIo.requireLibrary();
                    yield Optional.empty();
                } catch (IOException e) {
                    yield Optional.of(e.getMessage());
                }
            }
            case OFFLOAD -> {
                if (!caps.has(Capabilities.CAP_NET_ADMIN)) {
                    yield Optional.of("no CAP_NET_ADMIN (it writes nftables maps: run as root or grant it)");
                }
                if (OffloadEngine.offloadableVips(cfg) == 0) {
                    yield Optional.of("no VIP can be offloaded (needs one ANY * vserver with SOURCEIP persistence or "
                            + "SOURCEIPHASH): VIPs "
                            + cfg.vips().stream().map(v -> v.address().format()).collect(Collectors.joining(", ")));
                }
                yield OffloadEngine.whyNot();
            }
        };
    }

    private static PacketEngine openOne(
            EngineKind kind, DsrConfig cfg, NetworkInterfaceInfo nif, boolean[] servedVips, Options options)
            throws EngineUnavailableException {
        Optional<String> why = whyNot(kind, cfg);
        if (why.isPresent()) {
            throw new EngineUnavailableException(kind, why.get(), null);
        }
        String filter = captureFilter(cfg, nif, servedVips);
        try {
            return switch (kind) {
                case PCAP -> {
                    PcapPacketIo pcap = PcapPacketIo.open(nif.name(), nif.mac(), filter);
                    pcap.lockFilter();
                    yield new UserSpaceEngine(kind, pcap);
                }
                case NATIVE ->
                    new UserSpaceEngine(kind, NativePacketIo.open(nif.name(), nif.mac(), filter, options.nativeRing()));
                case OFFLOAD ->
                    new OffloadPacketEngine(OffloadEngine.open(
                            cfg,
                            nif,
                            servedVips,
                            filter,
                            options.offloadSyncNanos(),
                            options.offloadMaxClients(),
                            options.realtimePriority()));
                case AUTO -> throw new IllegalArgumentException("auto is not one engine");
            };
        } catch (OffloadEngine.TableClaimedException e) {
            throw new EngineUnavailableException(kind, e.getMessage(), e, true);
        } catch (IOException e) {
            throw new EngineUnavailableException(kind, e.getMessage(), e);
        } catch (UnsatisfiedLinkError | NoClassDefFoundError | ExceptionInInitializerError e) {
            throw new EngineUnavailableException(
                    kind,
                    "a native library cannot be loaded (" + e + "); install libpcap0.8"
                            + (kind == EngineKind.OFFLOAD ? " and libnftables1" : ""),
                    e);
        }
    }

    private static Optional<String> libpcapMissing() {
        try {
            Libpcap.configure();
            Pcaps.libVersion();
            return Optional.empty();
        } catch (UnsatisfiedLinkError | NoClassDefFoundError | ExceptionInInitializerError e) {
            return Optional.of("libpcap cannot be loaded (" + e.getMessage() + "); apt-get install libpcap0.8");
        }
    }

    /**
     * What the kernel hands us: ARP, and IPv4 to a VIP; never our own frames (direction IN
     * already, this is belt and braces for engines without direction support).
     */
    public static String captureFilter(DsrConfig cfg, NetworkInterfaceInfo nif) {
        return captureFilter(cfg, nif, null);
    }

    /** {@link #captureFilter(DsrConfig, NetworkInterfaceInfo)} for the VIPs marked in {@code servedVips} (null: all). */
    public static String captureFilter(DsrConfig cfg, NetworkInterfaceInfo nif, boolean[] servedVips) {
        List<VipConfig> served = new ArrayList<>();
        for (int i = 0; i < cfg.vips().size(); i++) {
            if (InterfacePlan.serves(servedVips, i)) {
                served.add(cfg.vips().get(i));
            }
        }
        String vips = served.stream()
                .filter(v -> v.address().isIpv4())
                .map(v -> "dst host " + v.address())
                .collect(Collectors.joining(" or "));
        String vips6 = served.stream()
                .filter(v -> v.address().isIpv6())
                .map(v -> "dst host " + v.address())
                .collect(Collectors.joining(" or "));
        String ipv4 = vips.isEmpty() ? "" : " or (ip and (" + vips + "))";
        // ICMPv6 for Neighbor Discovery: solicitations for a VIP6 go to its solicited-node
        // multicast address, and the backends' advertisements to our own address.
        String ipv6 = vips6.isEmpty() ? "" : " or icmp6 or (ip6 and (" + vips6 + "))";
        return "not ether src " + nif.mac() + " and (arp" + ipv4 + ipv6 + ")";
    }
}
