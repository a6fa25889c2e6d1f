package dsrlb.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dsrlb.balance.LoadBalancer;
import dsrlb.balance.ServiceStatus;
import dsrlb.config.DsrConfig;
import dsrlb.dataplane.ArpResolver;
import dsrlb.dataplane.Counters;
import dsrlb.dataplane.DropReason;
import dsrlb.dataplane.ForwardedFrameListener;
import dsrlb.dataplane.Forwarder;
import dsrlb.frame.Ethernet;
import dsrlb.net.MacAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One dsrlb as the forwarder tests wire it: a {@link MemoryPacketIo} with MAC {@link #LB}, a
 * balancer on a {@link FakeTicker} whose services have their backends' MACs ({@link #TFTP1},
 * {@link #TFTP2}, … in service order) and are UP, and a {@link Forwarder} following it that
 * records what it tells the ARP observer and the forwarded-frame listeners. A test feeds it frames
 * from {@link FrameBuilder} and checks what went out against a frame built independently, input
 * and expected output in pairs (after Katran's {@code lib/testing}).
 *
 * <p>Each frame is handed to the forwarder as a copy, so the test's frame stays as built.
 */
public final class ForwarderHarness {
    public static final MacAddress LB = MacAddress.parse("02:00:00:00:00:10");
    public static final MacAddress ROUTER = MacAddress.parse("02:00:00:00:00:01");
    public static final MacAddress TFTP1 = backendMac(0);
    public static final MacAddress TFTP2 = backendMac(1);
    public static final MacAddress TFTP3 = backendMac(2);

    public final MemoryPacketIo io = new MemoryPacketIo(LB);
    public final LoadBalancer lb;
    public final Forwarder forwarder;
    /** What the ARP observer was told of each ARP packet: {arp offset, vlan}. */
    public final List<int[]> arp = new ArrayList<>();
    /** What the ARP observer was told of each Neighbor Advertisement: {ip offset, icmp offset, vlan}. */
    public final List<int[]> advertisements = new ArrayList<>();
    /** Each forwarded IPv6 frame as the listeners heard it: {length, ip offset, vip index, service, protocol, port}. */
    public final List<int[]> forwardedIpv6 = new ArrayList<>();

    private int forwardedIpv4;

    /** A node on {@code config} whose ARP observer only records. */
    public ForwarderHarness(DsrConfig config) {
        this(config, null);
    }

    private ForwarderHarness(DsrConfig config, Integer resolverIp) {
        lb = balancer(config);
        Forwarder.ArpObserver next = resolverIp == null
                ? (frame, arpOffset, vlan) -> {}
                : new ArpResolver(io, lb, resolverIp, 10_000_000_000L, 35_000_000_000L, () -> 0L);
        Forwarder.ArpObserver observer = new Forwarder.ArpObserver() {
            @Override
            public void onArp(byte[] frame, int arpOffset, int vlan) {
                arp.add(new int[] {arpOffset, vlan});
                next.onArp(frame, arpOffset, vlan);
            }

            @Override
            public void onNeighborAdvertisement(byte[] frame, int ip, int icmp, int vlan) {
                advertisements.add(new int[] {ip, icmp, vlan});
                next.onNeighborAdvertisement(frame, ip, icmp, vlan);
            }
        };
        ForwardedFrameListener recorder = new ForwardedFrameListener() {
            @Override
            public void forwarded(
                    byte[] frame, int length, int vipIndex, int clientIp, int serviceId, int protocol, int port) {
                forwardedIpv4++;
            }

            @Override
            public void forwardedIpv6(
                    byte[] frame, int length, int ip, int vipIndex, int serviceId, int protocol, int port) {
                forwardedIpv6.add(new int[] {length, ip, vipIndex, serviceId, protocol, port});
            }
        };
        forwarder = Forwarder.following(lb, io, observer, recorder);
    }

    /**
     * A node on {@code config} whose ARP observer is also a real {@link ArpResolver} asking from
     * {@code ownIp} (its clock stands still), as the daemon wires it.
     */
    public static ForwarderHarness resolving(DsrConfig config, int ownIp) {
        return new ForwarderHarness(config, ownIp);
    }

    /**
     * A balancer on {@code config} and a {@link FakeTicker} whose services have their backends'
     * MACs ({@link #TFTP1}, {@link #TFTP2}, … in service order) and are UP.
     */
    public static LoadBalancer balancer(DsrConfig config) {
        LoadBalancer lb = new LoadBalancer(config, new FakeTicker(), 251);
        for (int id = 0; id < lb.services().size(); id++) {
            lb.setMac(id, backendMac(id));
            lb.setHealth(id, ServiceStatus.UP, "test");
        }
        return lb;
    }

    private static MacAddress backendMac(int serviceId) {
        return MacAddress.parse(String.format("02:00:00:00:00:%02x", 0x30 + serviceId));
    }

    public Counters counters() {
        return forwarder.counters();
    }

    /** IPv4 frames the listeners were told of. */
    public int forwardedIpv4() {
        return forwardedIpv4;
    }

    /** Hands a copy of {@code frame} to the forwarder; returns the frames it sent for it. */
    public List<byte[]> handle(byte[] frame) {
        int before = io.sent().size();
        byte[] copy = frame.clone();
        forwarder.handle(copy, copy.length);
        List<byte[]> sent = io.sent();
        return sent.subList(before, sent.size());
    }

    /** Handles {@code frame} and returns the one frame sent for it. */
    public byte[] exchange(byte[] frame) {
        List<byte[]> sent = handle(frame);
        assertEquals(1, sent.size(), "one frame out");
        return sent.get(0);
    }

    /**
     * {@code frame} goes to {@code backend} from {@link #LB}, byte for byte but for the two MACs;
     * returns what went out.
     */
    public byte[] assertForwardedTo(MacAddress backend, byte[] frame) {
        byte[] out = exchange(frame);
        assertEquals(frame.length, out.length);
        assertTrue(LB.matches(out, Ethernet.SOURCE), "from " + LB);
        assertTrue(backend.matches(out, Ethernet.DESTINATION), "to " + backend);
        assertArrayEquals(
                Arrays.copyOfRange(frame, Ethernet.ETHER_TYPE, frame.length),
                Arrays.copyOfRange(out, Ethernet.ETHER_TYPE, out.length),
                "only the MACs change");
        return out;
    }

    /**
     * {@code frame} is dropped for {@code reason}: counted once under it, not forwarded, nothing
     * sent, and the forwarder's buffer left as received.
     */
    public void assertDropped(DropReason reason, byte[] frame) {
        long before = counters().drops(reason);
        long forwarded = counters().forwarded();
        int sentBefore = io.sent().size();
        byte[] buffer = frame.clone();
        forwarder.handle(buffer, buffer.length);
        assertEquals(before + 1, counters().drops(reason), reason.name());
        assertEquals(forwarded, counters().forwarded(), reason + ": not forwarded");
        List<byte[]> sent = io.sent();
        assertEquals(List.of(), sent.subList(sentBefore, sent.size()), reason + ": nothing sent");
        assertArrayEquals(frame, buffer, reason + ": never mangled");
    }
}
