package dsrlb.dataplane;

import dsrlb.balance.ForwardingState;
import dsrlb.balance.LoadBalancer;
import dsrlb.balance.ServiceView;
import dsrlb.config.InterfacePlan;
import dsrlb.frame.Arp;
import dsrlb.frame.Bytes;
import dsrlb.frame.Ethernet;
import dsrlb.frame.Icmpv6;
import dsrlb.frame.Ipv4Packet;
import dsrlb.frame.Ipv6Packet;
import dsrlb.frame.L4Checksum;
import dsrlb.frame.Ndp;
import dsrlb.net.IpAddress;
import dsrlb.net.Ipv4;
import dsrlb.net.MacAddress;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The packet path: answers ARP for the VIPs and forwards IPv4 to a VIP by rewriting only the
 * two MAC addresses (and completing a partial L4 checksum). One instance per interface, driven
 * by one receive thread; it allocates nothing per packet.
 *
 * <p>dsrlb may serve several interfaces, a forwarder each: each VIP lives on one of them
 * ({@code config.InterfacePlan}), and a forwarder answers for, and forwards to, its own VIPs only.
 *
 * <p>A frame may carry one 802.1Q tag: a VIP lives on one VLAN (its tag in the forwarding
 * state, 0 for untagged), and only frames with that tag reach it; the reply to an ARP request
 * carries the request's tag, and a forwarded frame keeps its tag (the backend is on the VIP's
 * VLAN, which the config checks).
 */
public final class Forwarder {
    private static final Logger log = LoggerFactory.getLogger(Forwarder.class);
    private static final long CONFLICT_LOG_INTERVAL_NANOS = 10_000_000_000L;

    /**
     * Receives every valid ARP packet that is not a request for a VIP, and every valid Neighbor
     * Advertisement (the resolver learns backends' MACs from them).
     */
    public interface ArpObserver {
        /**
         * A valid ARP packet that is not a request for a VIP.
         *
         * @param frame the received frame, valid during the call only
         * @param arp where the ARP packet starts: 14, or 18 behind an 802.1Q tag
         * @param vlan the frame's VLAN id, 0 for untagged
         */
        void onArp(byte[] frame, int arp, int vlan);

        /**
         * A Neighbor Advertisement that passed RFC 4861's checks.
         *
         * @param ip where the IPv6 header starts
         * @param icmp where the ICMPv6 message starts
         */
        default void onNeighborAdvertisement(byte[] frame, int ip, int icmp, int vlan) {}
    }

    private static final ArpObserver IGNORE_ARP = (frame, arp, vlan) -> {};
    private static final ForwardedFrameListener[] NO_LISTENERS = new ForwardedFrameListener[0];

    private final PacketIo io;
    private final MacAddress ownMac;
    // Replaced together on a config reload (rebind); each read once per frame. An array, not a
    // list: the loop over it must not allocate an iterator per packet.
    private volatile ArpObserver arpObserver;
    private volatile ForwardedFrameListener[] listeners;
    private final Counters counters;
    /**
     * Per VIP index: whether it lives on this forwarder's interface; null: all do (one interface).
     * Indexed like the states' VIPs, which keep their order for the process's life (a reload
     * that changes the VIPs is refused: daemon/Reloader).
     */
    private final boolean[] servedVips;

    private final byte[] arpOut = new byte[Arp.TAGGED_FRAME_LENGTH];
    private final byte[] ndpOut = new byte[Ndp.TAGGED_FRAME_LENGTH];
    /** What {@link Ipv6Packet#upperLayer} found for the frame in hand (receive thread only). */
    private final int[] upperLayer = new int[Ipv6Packet.UPPER_LAYER_SLOTS];

    private volatile ForwardingState state = ForwardingState.EMPTY;
    /** HA: a standby neither answers ARP for the VIPs nor forwards; everything else goes on. */
    private volatile boolean active = true;

    private long lastConflictLog = System.nanoTime() - CONFLICT_LOG_INTERVAL_NANOS;

    /**
     * A forwarder that forwards nothing until it is given a state ({@link #publish}) and tells
     * nobody until it is bound to a generation ({@link #rebind}).
     */
    public Forwarder(PacketIo io) {
        this(io, IGNORE_ARP, NO_LISTENERS);
    }

    /** As {@link #Forwarder(PacketIo)}, for one of several interfaces (see the five-argument constructor). */
    public Forwarder(PacketIo io, Counters counters, boolean[] servedVips) {
        this(io, counters, servedVips, IGNORE_ARP, NO_LISTENERS);
    }

    /** Tells {@code arpObserver} of ARP and {@code listeners}, in order, of each forwarded frame. */
    public Forwarder(PacketIo io, ArpObserver arpObserver, ForwardedFrameListener... listeners) {
        this(io, new Counters(), null, arpObserver, listeners);
    }

    /**
     * One of several interfaces' forwarders: counts into {@code counters} (shared by all of them)
     * and serves only the VIPs marked in {@code servedVips} (by index; null: all).
     */
    public Forwarder(
            PacketIo io,
            Counters counters,
            boolean[] servedVips,
            ArpObserver arpObserver,
            ForwardedFrameListener... listeners) {
        this.io = io;
        this.counters = counters;
        this.servedVips = servedVips == null ? null : servedVips.clone();
        this.ownMac = io.mac();
        this.arpObserver = arpObserver;
        this.listeners = listeners.clone();
    }

    /**
     * A forwarder that follows one balancer: it counts towards the balancer's services, then
     * tells {@code more}, and takes each state the balancer publishes from now on. For a rig
     * with one config (tests, benchmarks); the daemon, which swaps configs, binds by hand.
     */
    public static Forwarder following(
            LoadBalancer balancer, PacketIo io, ArpObserver arpObserver, ForwardedFrameListener... more) {
        ForwardedFrameListener[] all = new ForwardedFrameListener[more.length + 1];
        all[0] = ForwardedFrameListener.countingFor(balancer);
        System.arraycopy(more, 0, all, 1, more.length);
        Forwarder forwarder = new Forwarder(io, arpObserver, all);
        balancer.subscribe(forwarder::publish);
        return forwarder;
    }

    /**
     * A reloaded config: ARP goes to {@code newArpObserver} and frames from now on are told to
     * {@code newListeners} (the new balancer's counters, its transfer table). Publish the new
     * balancer's state right after.
     */
    public void rebind(ArpObserver newArpObserver, ForwardedFrameListener... newListeners) {
        this.arpObserver = newArpObserver;
        this.listeners = newListeners.clone();
    }

    /** Called by the control plane with each new snapshot. */
    public void publish(ForwardingState newState) {
        this.state = newState;
    }

    /** Active owns the VIPs (answers ARP, forwards); standby is silent. Any thread. */
    public void setActive(boolean active) {
        this.active = active;
    }

    public boolean isActive() {
        return active;
    }

    public Counters counters() {
        return counters;
    }

    /**
     * Handles one received frame in {@code frame[0..length)}. The buffer is modified in place
     * when the frame is forwarded.
     */
    public void handle(byte[] frame, int length) {
        counters.received.increment();
        if (length < Ethernet.HEADER_LENGTH) {
            counters.drop(DropReason.TRUNCATED);
            return;
        }
        if (ownMac.matches(frame, Ethernet.SOURCE)) {
            counters.drop(DropReason.OWN_SOURCE_MAC);
            return;
        }
        int etherType = Ethernet.etherType(frame);
        int vlan = 0;
        int l3 = Ethernet.HEADER_LENGTH;
        if (etherType == Ethernet.TYPE_VLAN) {
            if (length < Ethernet.TAGGED_HEADER_LENGTH) {
                counters.drop(DropReason.TRUNCATED);
                return;
            }
            // VLAN id 0 is a priority tag only: the frame belongs to the untagged LAN.
            vlan = Ethernet.vlanId(frame);
            etherType = Bytes.u16(frame, Ethernet.INNER_ETHER_TYPE);
            l3 = Ethernet.TAGGED_HEADER_LENGTH;
        }
        if (etherType == Ethernet.TYPE_ARP) {
            handleArp(frame, length, vlan, l3);
        } else if (etherType == Ethernet.TYPE_IPV4) {
            handleIpv4(frame, length, vlan, l3);
        } else if (etherType == Ethernet.TYPE_IPV6) {
            handleIpv6(frame, length, vlan, l3);
        } else if (etherType == Ethernet.TYPE_VLAN || etherType == Ethernet.TYPE_QINQ) {
            // 802.1ad (QinQ) or a second 802.1Q tag: a provider's frame, not one of our VLANs.
            counters.drop(DropReason.VLAN_TAGGED);
        } else {
            counters.drop(DropReason.OTHER_ETHERTYPE);
        }
    }

    private void handleArp(byte[] frame, int length, int vlan, int arp) {
        if (!Arp.isValid(frame, arp, length)) {
            counters.drop(DropReason.MALFORMED_ARP);
            return;
        }
        ForwardingState s = state;
        int senderIp = Arp.senderIp(frame, arp);
        int senderVip = s.vipIndex(senderIp);
        if (senderVip >= 0 && serves(senderVip) && s.vipTag(senderVip) == vlan && active) {
            // Someone else claims a VIP: a backend whose arp_ignore/arp_announce is wrong. On a
            // standby the active HA peer's announcements are expected, not a conflict.
            counters.vipArpConflict(senderIp, frame, Arp.field(arp, Arp.SENDER_MAC));
            long now = System.nanoTime();
            if (now - lastConflictLog >= CONFLICT_LOG_INTERVAL_NANOS) {
                lastConflictLog = now;
                log.warn(
                        "VIP {} claimed by ARP from MAC {}: check arp_ignore=1/arp_announce=2 on that host",
                        Ipv4.format(senderIp),
                        MacAddress.read(frame, Arp.field(arp, Arp.SENDER_MAC)));
            }
        }
        int targetVip = s.vipIndex(Arp.targetIp(frame, arp));
        if (Arp.operation(frame, arp) == Arp.OP_REQUEST && targetVip >= 0) {
            if (!serves(targetVip)) {
                counters.drop(DropReason.OTHER_INTERFACE);
                return;
            }
            if (s.vipTag(targetVip) != vlan) {
                counters.drop(DropReason.WRONG_VLAN);
                return;
            }
            if (!active) {
                counters.drop(DropReason.STANDBY);
                return;
            }
            int n = Arp.writeReply(frame, arp, arpOut, vlan, ownMac, Arp.targetIp(frame, arp));
            if (send(arpOut, n)) {
                counters.arpRepliesSent.increment();
            }
            return;
        }
        arpObserver.onArp(frame, arp, vlan);
        counters.drop(DropReason.ARP_NOT_FOR_VIP);
    }

    private void handleIpv4(byte[] frame, int length, int vlan, int ip) {
        if (Ipv4Packet.validate(frame, ip, length) != Ipv4Packet.OK) {
            counters.drop(DropReason.BAD_IP_HEADER);
            return;
        }
        ForwardingState s = state;
        int protocol = Ipv4Packet.protocol(frame, ip);
        forward(
                frame,
                length,
                vlan,
                s,
                s.vipIndex(Ipv4Packet.destination(frame, ip)),
                ip,
                protocol,
                destinationPort(frame, ip, protocol),
                0,
                IpAddress.mappedLow(Ipv4Packet.source(frame, ip)),
                false);
    }

    private void handleIpv6(byte[] frame, int length, int vlan, int ip) {
        if (Ipv6Packet.validate(frame, ip, length) != Ipv6Packet.OK
                || Ipv6Packet.upperLayer(frame, ip, upperLayer) != Ipv6Packet.OK) {
            counters.drop(DropReason.BAD_IP_HEADER);
            return;
        }
        int protocol = upperLayer[Ipv6Packet.UL_PROTOCOL];
        int fragment = upperLayer[Ipv6Packet.UL_FRAGMENT];
        if (protocol == Ipv6Packet.PROTO_ICMPV6 && fragment != Ipv6Packet.LATER_FRAGMENT) {
            int icmp = upperLayer[Ipv6Packet.UL_OFFSET];
            int type = Ipv6Packet.end(frame, ip) - icmp >= Icmpv6.HEADER_LENGTH ? Icmpv6.type(frame, icmp) : -1;
            // Router and Neighbor Discovery (RFC 4861: 133..137) is the link's business, never a
            // backend's: a unicast solicitation to a VIP (a neighbour confirming it is reachable)
            // is answered like a multicast one, not forwarded. A first fragment shows its type
            // too; fragmented ND is dropped (RFC 6980), not forwarded (Ipv6ForwarderTest).
            if (type >= Icmpv6.TYPE_ROUTER_SOLICITATION && type <= Icmpv6.TYPE_REDIRECT) {
                if (fragment != Ipv6Packet.NOT_FRAGMENTED) {
                    counters.drop(DropReason.MALFORMED_NDP);
                } else {
                    handleNdp(frame, vlan, ip, icmp, type);
                }
                return;
            }
        }
        ForwardingState s = state;
        long dstHigh = Ipv6Packet.destinationHigh(frame, ip);
        long dstLow = Ipv6Packet.destinationLow(frame, ip);
        int vip = s.ipv6VipIndex(dstHigh, dstLow);
        forward(
                frame,
                length,
                vlan,
                s,
                vip,
                ip,
                protocol,
                Ipv6Packet.destinationPort(frame, ip, upperLayer),
                Ipv6Packet.sourceHigh(frame, ip),
                Ipv6Packet.sourceLow(frame, ip),
                true);
    }

    /**
     * The decision for a packet of either IP version, once its header is valid: the VIP's VLAN,
     * HA role and MAC checks, the vserver, the pick by the client's address ({@link IpAddress}'s
     * words), then the MAC rewrite, the checksum and the listeners.
     */
    private void forward(
            byte[] frame,
            int length,
            int vlan,
            ForwardingState s,
            int vip,
            int ip,
            int protocol,
            int port,
            long clientHigh,
            long clientLow,
            boolean ipv6) {
        if (vip < 0) {
            counters.drop(DropReason.NOT_VIP);
            return;
        }
        if (!serves(vip)) {
            counters.drop(DropReason.OTHER_INTERFACE);
            return;
        }
        if (s.vipTag(vip) != vlan) {
            counters.drop(DropReason.WRONG_VLAN);
            return;
        }
        if (!active) {
            counters.drop(DropReason.STANDBY);
            return;
        }
        if (Ethernet.isGroupDestination(frame)) {
            counters.drop(DropReason.GROUP_DESTINATION);
            return;
        }
        if (!ownMac.matches(frame, Ethernet.DESTINATION)) {
            counters.drop(DropReason.NOT_OUR_MAC);
            return;
        }
        ForwardingState.Route route = s.match(vip, protocol, port);
        if (route == null) {
            counters.drop(DropReason.NO_VSERVER);
            return;
        }
        int id = route.vserver().pick(clientHigh, clientLow, route.pool(), s.services());
        if (id < 0) {
            counters.drop(DropReason.NO_SERVICE_UP);
            return;
        }
        ServiceView service = s.services()[id];
        if (service.mac().matches(frame, Ethernet.SOURCE)) {
            counters.drop(DropReason.WOULD_LOOP);
            return;
        }
        service.mac().writeTo(frame, Ethernet.DESTINATION);
        ownMac.writeTo(frame, Ethernet.SOURCE);
        int completed = ipv6
                ? L4Checksum.completeIfPartialIpv6(frame, ip, upperLayer)
                : L4Checksum.completeIfPartial(frame, ip);
        if (completed == L4Checksum.COMPLETED) {
            counters.checksumsCompleted.increment();
        }
        if (send(frame, length)) {
            counters.forwarded.increment();
            for (ForwardedFrameListener l : listeners) {
                if (ipv6) {
                    l.forwardedIpv6(frame, length, ip, vip, id, protocol, port);
                } else {
                    l.forwarded(frame, length, vip, (int) clientLow, id, protocol, port);
                }
            }
        }
    }

    /**
     * Neighbor Discovery: answers a solicitation for a VIP (on its VLAN, while active); tells the
     * resolver of every valid advertisement; counts an advertisement for a VIP from anyone else
     * as a conflict, as an ARP claim for an IPv4 VIP is.
     */
    private void handleNdp(byte[] frame, int vlan, int ip, int icmp, int type) {
        if (type == Icmpv6.TYPE_NEIGHBOR_SOLICITATION) {
            if (Ndp.validateSolicitation(frame, ip, icmp) != Ndp.OK) {
                counters.drop(DropReason.MALFORMED_NDP);
                return;
            }
            ForwardingState s = state;
            long targetHigh = Ndp.targetHigh(frame, icmp);
            long targetLow = Ndp.targetLow(frame, icmp);
            int targetVip = s.ipv6VipIndex(targetHigh, targetLow);
            if (targetVip < 0) {
                counters.drop(DropReason.NDP_NOT_FOR_VIP);
                return;
            }
            if (!serves(targetVip)) {
                counters.drop(DropReason.OTHER_INTERFACE);
                return;
            }
            if (s.vipTag(targetVip) != vlan) {
                counters.drop(DropReason.WRONG_VLAN);
                return;
            }
            if (!active) {
                counters.drop(DropReason.STANDBY);
                return;
            }
            int n = Ndp.writeAdvertisement(frame, ip, icmp, ndpOut, vlan, ownMac);
            if (send(ndpOut, n)) {
                counters.arpRepliesSent.increment();
            }
            return;
        }
        if (type == Icmpv6.TYPE_NEIGHBOR_ADVERTISEMENT) {
            if (Ndp.validateAdvertisement(frame, ip, icmp) != Ndp.OK) {
                counters.drop(DropReason.MALFORMED_NDP);
                return;
            }
            ForwardingState s = state;
            long targetHigh = Ndp.targetHigh(frame, icmp);
            long targetLow = Ndp.targetLow(frame, icmp);
            int targetVip = s.ipv6VipIndex(targetHigh, targetLow);
            if (targetVip >= 0 && serves(targetVip) && s.vipTag(targetVip) == vlan && active) {
                int lla = Ndp.targetLinkAddress(frame, ip, icmp);
                counters.vipArpConflict(targetHigh, targetLow, frame, lla >= 0 ? lla : Ethernet.SOURCE);
                long now = System.nanoTime();
                if (now - lastConflictLog >= CONFLICT_LOG_INTERVAL_NANOS) {
                    lastConflictLog = now;
                    log.warn(
                            "VIP {} claimed by a Neighbor Advertisement from MAC {}: a backend must not hold"
                                    + " the VIP on its LAN interface (put it on lo)",
                            new IpAddress(targetHigh, targetLow),
                            MacAddress.read(frame, lla >= 0 ? lla : Ethernet.SOURCE));
                }
            }
            arpObserver.onNeighborAdvertisement(frame, ip, icmp, vlan);
        }
        counters.drop(DropReason.NDP_NOT_FOR_VIP);
    }

    /** Whether VIP {@code vip} lives on this forwarder's interface. */
    private boolean serves(int vip) {
        return InterfacePlan.serves(servedVips, vip);
    }

    /** The TCP/UDP destination port, or -1 for other protocols, non-first fragments and short packets. */
    private static int destinationPort(byte[] frame, int ip, int protocol) {
        if ((protocol != Ipv4Packet.PROTO_UDP && protocol != Ipv4Packet.PROTO_TCP)
                || Ipv4Packet.fragmentOffset(frame, ip) != 0) {
            return -1;
        }
        int l4 = ip + Ipv4Packet.headerLength(frame, ip);
        if (ip + Ipv4Packet.totalLength(frame, ip) < l4 + 4) {
            return -1;
        }
        return Bytes.u16(frame, l4 + 2);
    }

    private boolean send(byte[] frame, int length) {
        try {
            io.send(frame, length);
            return true;
        } catch (IOException e) {
            counters.drop(DropReason.SEND_FAILED);
            return false;
        }
    }
}
