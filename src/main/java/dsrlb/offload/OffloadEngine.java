package dsrlb.offload;

import dsrlb.balance.ForwardingState;
import dsrlb.balance.LoadBalancer;
import dsrlb.balance.Persistence;
import dsrlb.config.DsrConfig;
import dsrlb.config.LbMethod;
import dsrlb.config.PersistenceType;
import dsrlb.config.Protocol;
import dsrlb.config.VipConfig;
import dsrlb.config.VserverConfig;
import dsrlb.dataplane.NetworkInterfaceInfo;
import dsrlb.dataplane.PacketIo;
import dsrlb.dataplane.PcapPacketIo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code --engine offload}: dsrlb decides, the kernel forwards. Sets up the capture veth and
 * the nftables table, gives the forwarder a {@link PacketIo} that reads only what the kernel
 * did not forward, and removes all of it on close.
 */
public final class OffloadEngine implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(OffloadEngine.class);
    /** A filter nothing on a LAN matches (IEEE 802 local experimental EtherType 1): the send handle never copies frames to us. */
    private static final String MATCH_NOTHING = "ether proto 0x88b5";
    private static final int SEND_BUFFER_BYTES = 1 << 20;

    private final Nftables nft;
    private final OffloadRuleset ruleset;
    private final VethPair veth;
    private final PacketIo io;
    private OffloadProgrammer programmer;

    private OffloadEngine(Nftables nft, OffloadRuleset ruleset, VethPair veth, PacketIo io) {
        this.nft = nft;
        this.ruleset = ruleset;
        this.veth = veth;
        this.io = io;
    }

    /**
     * @param captureFilter the BPF expression the pcap engine would use on the LAN interface
     */
    public static OffloadEngine open(DsrConfig cfg, NetworkInterfaceInfo nif, String captureFilter) throws IOException {
        int ifindex = ifindex(nif.name());
        String miss = "dsrlbm" + ifindex;
        String capture = "dsrlbc" + ifindex;
        Nftables nft = LibNftables.open();
        VethPair veth = null;
        PcapPacketIo in = null;
        PcapPacketIo out = null;
        try {
            veth = VethPair.create(miss, capture);
            OffloadRuleset ruleset = new OffloadRuleset("dsrlb_" + ifindex, nif.name(), miss, capture, nif.mac(),
                    vipRules(cfg));
            nft.run(ruleset.create());
            in = PcapPacketIo.open(capture, nif.mac(), captureFilter);
            out = PcapPacketIo.open(nif.name(), nif.mac(), MATCH_NOTHING, SEND_BUFFER_BYTES);
            for (OffloadRuleset.VipRule v : ruleset.vips()) {
                log.info("offload: VIP #{} {}", v.index(), v.offloaded()
                        ? "forwarded by the kernel once dsrlb picked a backend (idle timeout "
                                + (v.timeoutSeconds() == 0 ? "none" : v.timeoutSeconds() + " s") + ", at most "
                                + v.maxEntries() + " clients)"
                        : "stays in user space: needs one ANY * vserver with SOURCEIP persistence or SOURCEIPHASH");
            }
            return new OffloadEngine(nft, ruleset, veth, new SplitPacketIo(in, out));
        } catch (IOException | RuntimeException e) {
            if (in != null) {
                in.close();
            }
            if (out != null) {
                out.close();
            }
            if (veth != null) {
                veth.close();
            }
            nft.close();
            if (e instanceof Nftables.NftablesException) {
                throw new IOException("--engine offload: nftables: " + e.getMessage(), e);
            }
            if (e instanceof IOException io) {
                throw io;
            }
            throw (RuntimeException) e;
        }
    }

    static List<OffloadRuleset.VipRule> vipRules(DsrConfig cfg) {
        List<OffloadRuleset.VipRule> rules = new ArrayList<>();
        List<VipConfig> vips = cfg.vips();
        for (int i = 0; i < vips.size(); i++) {
            int vip = vips.get(i).address();
            List<VserverConfig> vs = cfg.vservers().values().stream().filter(v -> v.vip() == vip).toList();
            VserverConfig only = vs.size() == 1 ? vs.get(0) : null;
            boolean offloaded = only != null && only.protocol() == Protocol.ANY && only.port() < 0
                    && (only.persistence() == PersistenceType.SOURCEIP || only.method() == LbMethod.SOURCEIPHASH);
            long timeout = offloaded ? TimeUnit.MINUTES.toSeconds(only.timeoutMinutes()) : 0;
            long max = offloaded ? only.persistenceMaxEntries() : 0;
            rules.add(new OffloadRuleset.VipRule(i, vip, offloaded, timeout, max));
        }
        return rules;
    }

    /** Starts writing the balancer's decisions into the kernel; call once, before forwarding. */
    public OffloadProgrammer startProgrammer(java.util.function.Supplier<LoadBalancer> current,
            long syncIntervalNanos) {
        programmer = new OffloadProgrammer(nft, ruleset, current.get().state(), (vip, client, serviceId, idleNanos) -> {
            LoadBalancer balancer = current.get();
            balancer.noteActivity(serviceId, System.nanoTime() - idleNanos);
            ForwardingState s = balancer.state();
            if (vip < s.routesByVip().length && s.routesByVip()[vip].length == 1) {
                Persistence p = s.routesByVip()[vip][0].vserver().persistence();
                if (p != null) {
                    p.keepAlive(client, serviceId);
                }
            }
        }, syncIntervalNanos);
        programmer.start();
        return programmer;
    }

    public PacketIo packetIo() {
        return io;
    }

    /** Takes the table and the veth away: the kernel forwards nothing once dsrlb is gone. */
    @Override
    public void close() {
        if (programmer != null) {
            programmer.close();
        }
        try {
            nft.run(ruleset.delete());
        } catch (Nftables.NftablesException e) {
            log.warn("offload: could not delete table {}: {}", ruleset.table(), e.getMessage());
        }
        nft.close();
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
