package dsrlb.dataplane;

import dsrlb.balance.LoadBalancer;
import dsrlb.config.DsrConfig;
import dsrlb.config.ServiceConfig;
import dsrlb.config.VipConfig;
import dsrlb.config.VlanConfig;
import dsrlb.frame.Arp;
import dsrlb.frame.Ethernet;
import dsrlb.frame.Ipv6Packet;
import dsrlb.frame.Ndp;
import dsrlb.net.IpAddress;
import dsrlb.net.MacAddress;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Learns each backend's MAC by asking ARP from the LB's own address, as a NetScaler does for
 * its services; an IPv6 backend by a Neighbor Solicitation from the LB's own IPv6 address, learned
 * from the solicited advertisement that answers it (RFC 4861), under the same rules. A backend on a VLAN ({@code bind vlan -IPAddress}) is asked on that VLAN, tagged,
 * from the VLAN's own address of its family, and learned only from a reply on that VLAN. Unresolved backends are asked every second, resolved ones refreshed; a backend
 * that stops answering for {@link #staleAfterNanos} loses its MAC, and with it its clients.
 *
 * <p>The kernel's neighbour table is not used on purpose: dsrlb must work where the kernel
 * never talks to the backends (no route, no address on the subnet).
 */
public final class ArpResolver implements Forwarder.ArpObserver, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ArpResolver.class);
    private static final long CONFLICT_LOG_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final PacketIo io;
    private final LoadBalancer balancer;
    /** Per backend: its IPv6 address, or null for an IPv4 backend (asked by ARP). */
    private final IpAddress[] backends6;
    /** Per backend: whether it lives on this resolver's interface (only those are asked and learned). */
    private final boolean[] here;
    /**
     * Per IPv6 backend: the address it is asked from and answers to (its VLAN's IPv6
     * {@code -IPAddress}, else the interface's own IPv6 address; null when there is none); null
     * for an IPv4 backend.
     */
    private final IpAddress[] askFrom6;
    /** Per backend, for logs. */
    private final String[] names;

    private final byte[] out6 = new byte[Ndp.TAGGED_FRAME_LENGTH];
    private boolean warnedNoIpv6;
    private final int[] backendIps;
    /** Per backend: its VLAN tag (0: untagged) and the address we ask from (the VLAN's own, or ownIp). */
    private final int[] backendTags;

    private final int[] askFrom;
    private final int[] vipTags;
    private final int[] vipAskFrom;
    private final MacAddress[] known;
    private final AtomicLongArray lastSeen;
    private final long refreshNanos;
    private final long staleAfterNanos;
    private final LongSupplier clock;
    private final int[] vips;
    /** The VIP6s on this interface, asked for by Neighbor Solicitation as the IPv4 VIPs are by ARP. */
    private final IpAddress[] vips6;
    /** Per VIP6: its VLAN's tag and the address it is asked from (null: none, not asked). */
    private final int[] vip6Tags;

    private final IpAddress[] vip6AskFrom;
    private final byte[] out = new byte[Arp.TAGGED_FRAME_LENGTH];
    /** Receive thread only: when each backend's last conflict was logged (one line per 10 s each). */
    private final long[] lastConflictLog;

    private long lastVipProbe = Long.MIN_VALUE;
    private ScheduledExecutorService timer;

    public ArpResolver(
            PacketIo io,
            LoadBalancer balancer,
            int ownIp,
            long refreshNanos,
            long staleAfterNanos,
            LongSupplier clock) {
        this(io, balancer, ownIp, null, refreshNanos, staleAfterNanos, clock);
    }

    /** @param ownIp6 the interface's own IPv6 address (asks IPv6 backends); null: it has none */
    public ArpResolver(
            PacketIo io,
            LoadBalancer balancer,
            int ownIp,
            IpAddress ownIp6,
            long refreshNanos,
            long staleAfterNanos,
            LongSupplier clock) {
        this(io, balancer, ownIp, ownIp6, a -> true, refreshNanos, staleAfterNanos, clock);
    }

    /**
     * The resolver of one of several interfaces: it asks for, learns and probes only the backends
     * and VIPs that live on it ({@code onThisInterface}); the others' resolvers do the rest.
     */
    public ArpResolver(
            PacketIo io,
            LoadBalancer balancer,
            int ownIp,
            IpAddress ownIp6,
            Predicate<IpAddress> onThisInterface,
            long refreshNanos,
            long staleAfterNanos,
            LongSupplier clock) {
        this.io = io;
        this.balancer = balancer;
        List<ServiceConfig> services = balancer.services();
        // An IPv6 backend's IPv4 slot stays 0 and is never asked by ARP; onArp skips it, so a
        // reply naming 0.0.0.0 as its sender is not taken (ArpResolverTest).
        this.backendIps = services.stream()
                .mapToInt(s -> s.address().isIpv4() ? s.address().ipv4() : 0)
                .toArray();
        this.backends6 = services.stream()
                .map(s -> s.address().isIpv6() ? s.address() : null)
                .toArray(IpAddress[]::new);
        this.names = services.stream().map(s -> s.address().format()).toArray(String[]::new);
        this.here = new boolean[services.size()];
        for (int i = 0; i < here.length; i++) {
            here[i] = onThisInterface.test(services.get(i).address());
        }
        this.vips = balancer.config().vips().stream()
                .map(VipConfig::address)
                .filter(IpAddress::isIpv4)
                .filter(onThisInterface)
                .mapToInt(IpAddress::ipv4)
                .toArray();
        DsrConfig config = balancer.config();
        this.backendTags =
                services.stream().mapToInt(s -> config.tagOf(s.address())).toArray();
        this.askFrom6 = Arrays.stream(backends6)
                .map(b -> b == null ? null : askingAddress6(config, b, ownIp6))
                .toArray(IpAddress[]::new);
        this.askFrom = Arrays.stream(backendIps)
                .map(ip -> askingAddress(config, ip, ownIp))
                .toArray();
        this.vipTags = Arrays.stream(vips).map(config::tagOf).toArray();
        this.vips6 = config.vips().stream()
                .map(VipConfig::address)
                .filter(IpAddress::isIpv6)
                .filter(onThisInterface)
                .toArray(IpAddress[]::new);
        this.vip6Tags = Arrays.stream(vips6).mapToInt(config::tagOf).toArray();
        this.vip6AskFrom =
                Arrays.stream(vips6).map(v -> askingAddress6(config, v, ownIp6)).toArray(IpAddress[]::new);
        this.vipAskFrom =
                Arrays.stream(vips).map(ip -> askingAddress(config, ip, ownIp)).toArray();
        this.known = new MacAddress[backendIps.length];
        this.lastConflictLog = new long[backendIps.length];
        this.lastSeen = new AtomicLongArray(backendIps.length);
        this.refreshNanos = refreshNanos;
        this.staleAfterNanos = staleAfterNanos;
        this.clock = clock;
    }

    /** The VLAN's own address for an address on a VLAN, else {@code ownIp}. */
    private static int askingAddress(DsrConfig config, int ip, int ownIp) {
        VlanConfig vlan = config.vlanOf(ip);
        return vlan == null ? ownIp : vlan.subnetOf(ip).address().ipv4();
    }

    /** The VLAN's own IPv6 address for an IPv6 address on a VLAN, else {@code ownIp6}. */
    private static IpAddress askingAddress6(DsrConfig config, IpAddress ip, IpAddress ownIp6) {
        VlanConfig vlan = config.vlanOf(ip);
        return vlan == null ? ownIp6 : vlan.subnetOf(ip).address();
    }

    /** Starts asking: at once, then every second. */
    public synchronized void start() {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dsrlb-arp");
            t.setDaemon(true);
            return t;
        });
        // Runs until close() shuts the timer down; nobody waits on it.
        ScheduledFuture<?> unused = timer.scheduleWithFixedDelay(this::tick, 0, 1, TimeUnit.SECONDS);
    }

    /** One round: ask for unknown and due backends, expire silent ones, probe the VIPs. */
    synchronized void tick() {
        long now = clock.getAsLong();
        if (lastVipProbe == Long.MIN_VALUE || now - lastVipProbe >= refreshNanos) {
            lastVipProbe = now;
            probeVips();
        }
        for (int i = 0; i < backendIps.length; i++) {
            if (!here[i]) {
                continue;
            }
            MacAddress mac = known[i];
            long age = now - lastSeen.get(i);
            if (mac != null && age > staleAfterNanos) {
                known[i] = null;
                balancer.setMac(i, null);
                mac = null;
            }
            if (mac == null || age > refreshNanos) {
                ask(i);
            }
        }
    }

    private void ask(int i) {
        int n;
        byte[] frame;
        if (backends6[i] == null) {
            frame = out;
            n = Arp.writeRequest(out, backendTags[i], io.mac(), askFrom[i], backendIps[i]);
        } else if (askFrom6[i] != null) {
            frame = out6;
            n = Ndp.writeSolicitation(out6, backendTags[i], io.mac(), askFrom6[i], backends6[i]);
        } else {
            if (!warnedNoIpv6) {
                warnedNoIpv6 = true;
                log.warn(
                        "service {}: the interface has no IPv6 address to ask Neighbor Discovery from;"
                                + " IPv6 services stay DOWN until it has one (restart dsrlb then)",
                        names[i]);
            }
            return;
        }
        try {
            io.send(frame, n);
        } catch (IOException e) {
            log.warn(
                    "cannot send {}: {}",
                    backends6[i] == null ? "ARP request" : "Neighbor Solicitation",
                    e.getMessage());
        }
    }

    /**
     * Asks who has each VIP (IPv6 VIPs by Neighbor Solicitation). Only dsrlb may answer; the forwarder counts and reports any other
     * MAC that does. This finds a backend with arp_ignore=0 even though its answers to the
     * router are unicast and never reach us.
     */
    private void probeVips() {
        for (int v = 0; v < vips.length; v++) {
            int n = Arp.writeRequest(out, vipTags[v], io.mac(), vipAskFrom[v], vips[v]);
            try {
                io.send(out, n);
            } catch (IOException e) {
                log.warn("cannot send ARP request: {}", e.getMessage());
            }
        }
        // A host that holds a VIP6 on its LAN interface answers this (a Linux backend with the
        // VIP6 on lo does not: docs/configuration.md); the forwarder counts its advertisement as
        // a conflict, as an ARP reply for an IPv4 VIP.
        for (int v = 0; v < vips6.length; v++) {
            if (vip6AskFrom[v] == null) {
                continue;
            }
            int n = Ndp.writeSolicitation(out6, vip6Tags[v], io.mac(), vip6AskFrom[v], vips6[v]);
            try {
                io.send(out6, n);
            } catch (IOException e) {
                log.warn("cannot send Neighbor Solicitation: {}", e.getMessage());
            }
        }
    }

    /**
     * Called on the receive thread with every ARP packet. A backend's MAC is learned only from a
     * reply to dsrlb's own request (to our address and MAC, the Ethernet source its sender): a
     * gratuitous ARP or a request from any host on the LAN must not be able to take a backend's
     * clients. While the learned MAC keeps answering, another MAC that replies for the same
     * address is a conflict, counted and reported, never adopted; a NIC that really changed is
     * followed once the old MAC has been silent past {@link #staleAfterNanos} (tick() forgets
     * it, and the next reply is learned). So a frame can make the forwarding state be rebuilt
     * at most once per backend per stale period. Allocates only when a MAC is learned or a
     * conflict is logged.
     */
    /** An untagged frame (tests). */
    public void onArp(byte[] frame) {
        onArp(frame, Arp.OFFSET, 0);
    }

    @Override
    public void onArp(byte[] frame, int arp, int vlan) {
        int senderMac = Arp.field(arp, Arp.SENDER_MAC);
        if (Arp.operation(frame, arp) != Arp.OP_REPLY
                || !io.mac().matches(frame, Arp.field(arp, Arp.TARGET_MAC))
                || !Arrays.equals(
                        frame,
                        Ethernet.SOURCE,
                        Ethernet.SOURCE + MacAddress.LENGTH,
                        frame,
                        senderMac,
                        senderMac + MacAddress.LENGTH)
                || !isHostMac(frame, senderMac)) {
            // A broadcast/multicast/zero or our own MAC for a backend would make the forwarder
            // flood every client's packets or send them to itself (found by ForwarderFuzzTest).
            return;
        }
        int sender = Arp.senderIp(frame, arp);
        int target = Arp.targetIp(frame, arp);
        for (int i = 0; i < backendIps.length; i++) {
            // A reply counts only on the backend's VLAN and to the address we asked from there;
            // never for an IPv6 backend, whose IPv4 slot 0 a reply from 0.0.0.0 would match.
            if (here[i]
                    && backends6[i] == null
                    && backendIps[i] == sender
                    && backendTags[i] == vlan
                    && askFrom[i] == target) {
                heard(i, frame, senderMac);
            }
        }
    }

    /**
     * A backend's answer to our solicitation: solicited, to our own IPv6 address and MAC, with a
     * target link-layer option that is the Ethernet source (the NDP form of ARP's "sender MAC is
     * the frame's source"). Learned, confirmed or a conflict as for ARP.
     */
    @Override
    public void onNeighborAdvertisement(byte[] frame, int ip, int icmp, int vlan) {
        if (!Ndp.isSolicited(frame, icmp) || !io.mac().matches(frame, Ethernet.DESTINATION)) {
            return;
        }
        int lla = Ndp.targetLinkAddress(frame, ip, icmp);
        if (lla < 0
                || !Arrays.equals(
                        frame,
                        Ethernet.SOURCE,
                        Ethernet.SOURCE + MacAddress.LENGTH,
                        frame,
                        lla,
                        lla + MacAddress.LENGTH)
                || !isHostMac(frame, lla)) {
            return;
        }
        long high = Ndp.targetHigh(frame, icmp);
        long low = Ndp.targetLow(frame, icmp);
        long toHigh = Ipv6Packet.destinationHigh(frame, ip);
        long toLow = Ipv6Packet.destinationLow(frame, ip);
        for (int i = 0; i < backends6.length; i++) {
            IpAddress b = backends6[i];
            IpAddress from = askFrom6[i];
            // As for ARP: only on the backend's VLAN, and to the address we asked from there.
            if (here[i]
                    && b != null
                    && b.high() == high
                    && b.low() == low
                    && backendTags[i] == vlan
                    && from != null
                    && from.high() == toHigh
                    && from.low() == toLow) {
                heard(i, frame, lla);
            }
        }
    }

    /** Backend {@code i} answered with the MAC at {@code frame[mac..]}: learned, confirmed, or a conflict. */
    private void heard(int i, byte[] frame, int mac) {
        MacAddress known = this.known[i];
        if (known == null) {
            lastSeen.set(i, clock.getAsLong());
            learn(i, MacAddress.read(frame, mac));
        } else if (known.matches(frame, mac)) {
            lastSeen.set(i, clock.getAsLong());
        } else {
            conflict(i, frame, mac);
        }
    }

    private void conflict(int i, byte[] frame, int senderMac) {
        MacAddress claimed = MacAddress.read(frame, senderMac);
        balancer.macConflicts().record(i, claimed);
        long now = clock.getAsLong();
        if (now - lastConflictLog[i] >= CONFLICT_LOG_NANOS || lastConflictLog[i] == 0) {
            lastConflictLog[i] = now;
            log.warn(
                    "backend {}: {} answers ARP for it while {} still does; not adopted (ARP spoofing, or two hosts"
                            + " with one address); {} such replies so far",
                    names[i],
                    claimed,
                    known[i],
                    balancer.macConflicts().count(i));
        }
    }

    private boolean isHostMac(byte[] frame, int offset) {
        if ((frame[offset] & 1) != 0 || io.mac().matches(frame, offset)) {
            return false;
        }
        for (int i = offset; i < offset + MacAddress.LENGTH; i++) {
            if (frame[i] != 0) {
                return true;
            }
        }
        return false;
    }

    private synchronized void learn(int i, MacAddress mac) {
        known[i] = mac;
        balancer.setMac(i, mac);
    }

    /** True once every backend has answered. */
    public synchronized boolean allResolved() {
        for (int i = 0; i < known.length; i++) {
            if (here[i] && known[i] == null) {
                return false;
            }
        }
        return true;
    }

    @Override
    public synchronized void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
