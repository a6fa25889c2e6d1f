package dsrlb.offload;

import dsrlb.balance.ForwardingState;
import dsrlb.balance.LoadBalancer;
import dsrlb.balance.Persistence;
import dsrlb.config.DsrConfig;
import dsrlb.config.InterfacePlan;
import dsrlb.config.LbMethod;
import dsrlb.config.PersistenceType;
import dsrlb.config.Protocol;
import dsrlb.config.VipConfig;
import dsrlb.config.VserverConfig;
import dsrlb.dataplane.NetworkInterfaceInfo;
import dsrlb.dataplane.PacketIo;
import dsrlb.dataplane.PcapPacketIo;
import dsrlb.net.IpAddress;
import dsrlb.transfer.TransferTracker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kernel fast path: dsrlb decides, the kernel forwards. Sets up the capture veth and the
 * nftables table, gives the forwarder a {@link PacketIo} that reads only what the kernel did
 * not forward (or everything, while the table is gone), and removes all of it on close.
 */
public final class OffloadEngine implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(OffloadEngine.class);
    private static final int SEND_BUFFER_BYTES = 1 << 20;

    private final Nftables nft;
    private final OffloadRuleset ruleset;
    private final VethPair veth;
    private final SplitPacketIo io;
    private final long syncIntervalNanos;
    private final long maxClients;
    private final int realtimePriority;
    /** The VIPs (by index) whose rules this interface's table holds; null: all. */
    private final boolean[] servedVips;

    private volatile OffloadProgrammer programmer;

    private OffloadEngine(
            Nftables nft,
            OffloadRuleset ruleset,
            VethPair veth,
            SplitPacketIo io,
            long syncIntervalNanos,
            long maxClients,
            boolean[] servedVips,
            int realtimePriority) {
        this.maxClients = maxClients;
        this.realtimePriority = realtimePriority;
        this.servedVips = servedVips;
        this.nft = nft;
        this.ruleset = ruleset;
        this.veth = veth;
        this.io = io;
        this.syncIntervalNanos = syncIntervalNanos;
    }

    /**
     * The table's name is taken by someone else (another tool, or a dsrlb still running): not a
     * missing feature of the host but a conflict, which the operator must settle.
     */
    public static final class TableClaimedException extends IOException {
        TableClaimedException(String message) {
            super(message);
        }
    }

    /** Why the kernel path cannot be used here, checked without changing anything (libnftables, netdev, ip). */
    public static Optional<String> whyNot() {
        if (!onPath("ip")) {
            return Optional.of("iproute2's `ip` is not on the PATH (apt-get install iproute2)");
        }
        try (Nftables nft = LibNftables.open()) {
            nft.run(OffloadRuleset.listTables());
            return Optional.empty();
        } catch (Nftables.NftablesException e) {
            return Optional.of(
                    "nftables netdev tables cannot be listed: " + e.getMessage().strip());
        } catch (IOException | UnsatisfiedLinkError | NoClassDefFoundError e) {
            return Optional.of("libnftables cannot be loaded (" + e.getMessage() + "); apt-get install libnftables1");
        }
    }

    private static boolean onPath(String program) {
        String path = System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        for (String dir : path.split(":", -1)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }

    /** How many of the config's VIPs the kernel can carry. */
    public static long offloadableVips(DsrConfig cfg) {
        return vipRules(cfg).stream().filter(OffloadRuleset.VipRule::offloaded).count();
    }

    /**
     * What one client in a kernel map costs, in bytes, counted generously: in the kernel, an nft
     * rhash element with its key, MAC, timeout and expiry (kmalloc-96) and its bucket pointer,
     * about 110 (not dsrlb's heap, but the box's memory); in dsrlb's heap, its entry in the
     * writer's mirror (HashMap node 32, its {@code InstalledClient.Key} of VIP and 128-bit client
     * 32, InstalledClient 32: about 100) and, once per --offload-sync, its entry in the
     * read-back's set of present clients (node and key: about 75); and libnftables' JSON text of
     * it (about 100, native, while a map is read back).
     */
    public static final long BYTES_PER_KERNEL_CLIENT = 110 + 100 + 75 + 100;

    /**
     * The default of --offload-max-clients: as many clients as an eighth of the JVM's maximum
     * heap pays for at {@link #BYTES_PER_KERNEL_CLIENT} each (a 512 MiB heap: 174 308; the
     * persistence table, about 107 bytes a client, gets the rest), at least 1 024 and at most a
     * vserver's default -persistenceMaxEntries (1 000 000).
     */
    public static long defaultMaxClients(long maxHeapBytes) {
        return Math.max(1_024, Math.min(1_000_000, maxHeapBytes / 8 / BYTES_PER_KERNEL_CLIENT));
    }

    /** {@link #vipRules(DsrConfig, long)} without a bound of its own: each map as large as its vserver's table. */
    static List<OffloadRuleset.VipRule> vipRules(DsrConfig cfg) {
        return vipRules(cfg, Long.MAX_VALUE);
    }

    /**
     * Claims the interface's table, creates it and the veth the kernel sends misses to. The
     * table has rules and maps for the VIPs marked in {@code servedVips} (by index; null: all),
     * the ones that live on {@code nif}; its writer thread runs at SCHED_FIFO {@code
     * realtimePriority} (0: normal scheduling) while it installs new clients.
     *
     * @param captureFilter the BPF expression a user-space engine would use on the LAN interface
     * @throws IOException when the table's name is taken by someone else, or setting up fails
     */
    public static OffloadEngine open(
            DsrConfig cfg,
            NetworkInterfaceInfo nif,
            boolean[] servedVips,
            String captureFilter,
            long syncIntervalNanos,
            long maxClients,
            int realtimePriority)
            throws IOException {
        int ifindex = ifindex(nif.name());
        String miss = "dsrlbm" + ifindex;
        String capture = "dsrlbc" + ifindex;
        OffloadRuleset ruleset;
        try {
            ruleset = new OffloadRuleset(
                    "dsrlb_" + ifindex,
                    nif.name(),
                    miss,
                    capture,
                    nif.mac(),
                    vipRules(cfg, maxClients, servedVips),
                    ProcessHandle.current().pid());
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
        Nftables nft = LibNftables.open();
        VethPair veth = null;
        PcapPacketIo in = null;
        PcapPacketIo lan = null;
        try {
            claimTable(nft, ruleset);
            veth = VethPair.create(miss, capture);
            nft.run(ruleset.create());
            in = PcapPacketIo.open(capture, nif.mac(), captureFilter);
            // Locked: its filter never changes. The LAN handle's does (SplitPacketIo, on a role change).
            in.lockFilter();
            lan = PcapPacketIo.open(nif.name(), nif.mac(), SplitPacketIo.MATCH_NOTHING, SEND_BUFFER_BYTES);
            for (OffloadRuleset.VipRule v : ruleset.vips()) {
                log.info(
                        "offload: VIP #{}{} {}",
                        v.index(),
                        v.vlan() == 0 ? "" : " (vlan " + v.vlan() + ")",
                        v.offloaded()
                                ? "forwarded by the kernel once dsrlb picked a backend (idle timeout "
                                        + (v.timeoutSeconds() == 0 ? "none" : v.timeoutSeconds() + " s") + ", at most "
                                        + v.maxEntries() + " clients)"
                                : "stays in user space: needs one ANY * vserver with SOURCEIP persistence or SOURCEIPHASH");
            }
            return new OffloadEngine(
                    nft,
                    ruleset,
                    veth,
                    new SplitPacketIo(in, lan, captureFilter),
                    syncIntervalNanos,
                    maxClients,
                    servedVips == null ? null : servedVips.clone(),
                    realtimePriority);
        } catch (IOException | RuntimeException e) {
            if (in != null) {
                in.close();
            }
            if (lan != null) {
                lan.close();
            }
            if (veth != null) {
                try {
                    nft.run(ruleset.delete());
                } catch (Nftables.NftablesException ignored) {
                    // never created
                }
                veth.close();
            }
            nft.close();
            if (e instanceof Nftables.NftablesException) {
                throw new IOException("nftables: " + e.getMessage().strip(), e);
            }
            if (e instanceof IOException io) {
                throw io;
            }
            throw (RuntimeException) e;
        }
    }

    /**
     * Makes sure the table's name is ours to use: free, or left by a dsrlb that is no longer
     * running (its owner counter names a dead pid; create() replaces it). A table of that name
     * without dsrlb's mark, or one whose dsrlb still runs, is an error: never touch another
     * owner's rules.
     */
    static void claimTable(Nftables nft, OffloadRuleset ruleset) throws IOException {
        Set<String> counters;
        try {
            if (!NftJson.tableNames(run(nft, OffloadRuleset.listTables())).contains(ruleset.table())) {
                return;
            }
            counters = NftJson.counterNames(run(nft, ruleset.listCounters()));
        } catch (NftJson.NftJsonException e) {
            throw new IOException("nftables: cannot read its answer: " + e.getMessage(), e);
        }
        List<Long> owners = new ArrayList<>();
        for (String counter : counters) {
            if (counter.startsWith(OffloadRuleset.OWNER_PREFIX)) {
                try {
                    owners.add(Long.parseLong(counter.substring(OffloadRuleset.OWNER_PREFIX.length())));
                } catch (NumberFormatException e) {
                    // not our mark after all
                }
            }
        }
        if (owners.isEmpty()) {
            throw new TableClaimedException("nftables table netdev " + ruleset.table()
                    + " exists and is not dsrlb's (it has "
                    + "no " + OffloadRuleset.OWNER_PREFIX + "<pid> counter); dsrlb needs that name for interface "
                    + ruleset.device() + ": rename or delete that table, or use another --engine");
        }
        for (long pid : owners) {
            if (pid != ProcessHandle.current().pid() && isDsrlb(pid)) {
                throw new TableClaimedException("nftables table netdev " + ruleset.table()
                        + " belongs to a dsrlb that is " + "still running (pid " + pid + "): one dsrlb an interface");
            }
        }
        log.warn(
                "offload: replacing table netdev {} and veth {} left by dsrlb pid {}, which is no longer running",
                ruleset.table(),
                ruleset.missDevice(),
                owners.get(0));
    }

    private static String run(Nftables nft, String command) throws IOException {
        try {
            return nft.run(command);
        } catch (Nftables.NftablesException e) {
            throw new IOException("nftables: " + e.getMessage().strip(), e);
        } catch (RuntimeException e) {
            throw new IOException("nftables: " + e, e);
        }
    }

    private static boolean isDsrlb(long pid) {
        try {
            String cmdline = Files.readString(Path.of("/proc", Long.toString(pid), "cmdline"), StandardCharsets.UTF_8);
            return cmdline.contains("dsrlb");
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * What the kernel is told per VIP; a map holds at most {@code maxClients} (--offload-max-clients)
     * or its vserver's -persistenceMaxEntries, the smaller. Clients past it stay in user space.
     */
    static List<OffloadRuleset.VipRule> vipRules(DsrConfig cfg, long maxClients) {
        return vipRules(cfg, maxClients, null);
    }

    /** {@link #vipRules(DsrConfig, long)} for the VIPs marked in {@code servedVips} only (null: all). */
    static List<OffloadRuleset.VipRule> vipRules(DsrConfig cfg, long maxClients, boolean[] servedVips) {
        List<OffloadRuleset.VipRule> rules = new ArrayList<>();
        List<VipConfig> vips = cfg.vips();
        for (int i = 0; i < vips.size(); i++) {
            if (!InterfacePlan.serves(servedVips, i)) {
                // Another interface's VIP: its frames never come here, its rules live in that
                // interface's table.
                continue;
            }
            IpAddress vip = vips.get(i).address();
            List<VserverConfig> vs = cfg.vservers().values().stream()
                    .filter(v -> v.vip().equals(vip))
                    .toList();
            VserverConfig only = vs.size() == 1 ? vs.get(0) : null;
            boolean offloaded = only != null
                    && only.protocol() == Protocol.ANY
                    && only.port() < 0
                    && (only.persistence() == PersistenceType.SOURCEIP || only.method() == LbMethod.SOURCEIPHASH);
            long timeout = offloaded ? TimeUnit.MINUTES.toSeconds(only.timeoutMinutes()) : 0;
            long max = offloaded ? Math.min(only.persistenceMaxEntries(), maxClients) : 0;
            rules.add(new OffloadRuleset.VipRule(i, vip, offloaded, timeout, max, cfg.tagOf(vip)));
        }
        return rules;
    }

    /** Starts writing the balancer's decisions into the kernel; call once, before forwarding. */
    public OffloadProgrammer startProgrammer(Supplier<LoadBalancer> current, Supplier<TransferTracker> transfers) {
        OffloadProgrammer p = new OffloadProgrammer(
                nft,
                ruleset,
                current.get().state(),
                (vip, clientHigh, clientLow, serviceId, idleNanos) -> {
                    LoadBalancer balancer = current.get();
                    transfers.get().packet(clientHigh, clientLow, System.nanoTime() - idleNanos);
                    balancer.noteActivity(serviceId, System.nanoTime() - idleNanos);
                    ForwardingState s = balancer.state();
                    if (vip < s.routesByVip().length && s.routesByVip()[vip].length == 1) {
                        Persistence persistence =
                                s.routesByVip()[vip][0].vserver().persistence();
                        if (persistence != null) {
                            persistence.keepAlive(clientHigh, clientLow, serviceId);
                        }
                    }
                },
                syncIntervalNanos,
                realtimePriority);
        p.watchKernelPath(new OffloadProgrammer.KernelPathWatcher() {
            @Override
            public void lost() {
                io.fallBackToLan(true);
            }

            @Override
            public void restored() {
                io.fallBackToLan(false);
            }
        });
        p.start();
        programmer = p;
        return p;
    }

    /** A reloaded config: keep what still holds in the kernel. */
    public void newGeneration(DsrConfig cfg, ForwardingState state) {
        OffloadProgrammer p = programmer;
        if (p != null) {
            p.reset(state, vipRules(cfg, maxClients, servedVips));
        }
    }

    /** The writer of the kernel's maps, or null before {@link #startProgrammer}. */
    public OffloadProgrammer programmer() {
        return programmer;
    }

    public PacketIo packetIo() {
        return io;
    }

    /** Takes the table and the veth away: the kernel forwards nothing once dsrlb is gone. */
    @Override
    public void close() {
        OffloadProgrammer p = programmer;
        if (p != null) {
            p.close();
        }
        try {
            nft.run(ruleset.delete());
        } catch (Nftables.NftablesException e) {
            log.warn("offload: could not delete table {}: {}", ruleset.table(), e.getMessage());
        }
        nft.close();
        io.close();
        veth.close();
    }

    private static int ifindex(String name) throws IOException {
        Path p = Path.of("/sys/class/net", name, "ifindex");
        try {
            return Integer.parseInt(Files.readString(p).strip());
        } catch (IOException | NumberFormatException e) {
            throw new IOException("interface " + name + ": cannot read " + p + ": " + e.getMessage(), e);
        }
    }
}
