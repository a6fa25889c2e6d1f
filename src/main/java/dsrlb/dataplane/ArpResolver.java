package dsrlb.dataplane;

import dsrlb.balance.LoadBalancer;
import dsrlb.config.ServiceConfig;
import dsrlb.config.VipConfig;
import dsrlb.frame.Arp;
import dsrlb.net.MacAddress;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Learns each backend's MAC by asking ARP from the LB's own address, as a NetScaler does for
 * its services. Unresolved backends are asked every second, resolved ones refreshed; a backend
 * that stops answering for {@link #staleAfterNanos} loses its MAC, and with it its clients.
 *
 * <p>The kernel's neighbour table is not used on purpose: dsrlb must work where the kernel
 * never talks to the backends (no route, no address on the subnet).
 */
public final class ArpResolver implements Forwarder.ArpObserver, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ArpResolver.class);

    private final PacketIo io;
    private final LoadBalancer balancer;
    private final int ownIp;
    private final int[] backendIps;
    private final MacAddress[] known;
    private final AtomicLongArray lastSeen;
    private final long refreshNanos;
    private final long staleAfterNanos;
    private final LongSupplier clock;
    private final int[] vips;
    private final byte[] out = new byte[Arp.FRAME_LENGTH];
    private long lastVipProbe = Long.MIN_VALUE;
    private ScheduledExecutorService timer;

    public ArpResolver(
            PacketIo io,
            LoadBalancer balancer,
            int ownIp,
            long refreshNanos,
            long staleAfterNanos,
            LongSupplier clock) {
        this.io = io;
        this.balancer = balancer;
        this.ownIp = ownIp;
        List<ServiceConfig> services = balancer.services();
        this.backendIps = services.stream().mapToInt(ServiceConfig::address).toArray();
        this.vips =
                balancer.config().vips().stream().mapToInt(VipConfig::address).toArray();
        this.known = new MacAddress[backendIps.length];
        this.lastSeen = new AtomicLongArray(backendIps.length);
        this.refreshNanos = refreshNanos;
        this.staleAfterNanos = staleAfterNanos;
        this.clock = clock;
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
            MacAddress mac = known[i];
            long age = now - lastSeen.get(i);
            if (mac != null && age > staleAfterNanos) {
                known[i] = null;
                balancer.setMac(i, null);
                mac = null;
            }
            if (mac == null || age > refreshNanos) {
                int n = Arp.writeRequest(out, io.mac(), ownIp, backendIps[i]);
                try {
                    io.send(out, n);
                } catch (IOException e) {
                    log.warn("cannot send ARP request: {}", e.getMessage());
                }
            }
        }
    }

    /**
     * Asks who has each VIP. Only dsrlb may answer; the forwarder counts and reports any other
     * MAC that does. This finds a backend with arp_ignore=0 even though its answers to the
     * router are unicast and never reach us.
     */
    private void probeVips() {
        for (int vip : vips) {
            int n = Arp.writeRequest(out, io.mac(), ownIp, vip);
            try {
                io.send(out, n);
            } catch (IOException e) {
                log.warn("cannot send ARP request: {}", e.getMessage());
            }
        }
    }

    /** Called on the receive thread with every ARP packet; allocates only when a MAC changes. */
    @Override
    public void onArp(byte[] frame) {
        if (!isHostMac(frame, Arp.SENDER_MAC)) {
            // A broadcast/multicast/zero or our own MAC for a backend would make the forwarder
            // flood every client's packets or send them to itself (found by ForwarderFuzzTest).
            return;
        }
        int sender = Arp.senderIp(frame);
        for (int i = 0; i < backendIps.length; i++) {
            if (backendIps[i] == sender) {
                lastSeen.set(i, clock.getAsLong());
                MacAddress mac = known[i];
                if (mac == null || !mac.matches(frame, Arp.SENDER_MAC)) {
                    learn(i, MacAddress.read(frame, Arp.SENDER_MAC));
                }
            }
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
        for (MacAddress m : known) {
            if (m == null) {
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
