package dsrlb.dataplane;

import dsrlb.frame.Arp;
import dsrlb.frame.Ndp;
import dsrlb.net.IpAddress;
import dsrlb.net.Ipv4;
import dsrlb.net.MacAddress;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether this node owns its VIPs (HA active) or stays silent (standby). Taking them over
 * announces them with gratuitous ARP (IPv6 VIPs: unsolicited Neighbor Advertisements), so the router and the backends' neighbours move to our
 * MAC at once instead of when their cache entry goes stale. What keeps the node ready for a
 * takeover (health monitors, backend ARP resolution, the Maglev tables) runs in both roles.
 */
public final class VipOwnership {
    private static final Logger log = LoggerFactory.getLogger(VipOwnership.class);
    /** Announcements per takeover: one frame can be lost on a busy LAN, and a second is cheap. */
    private static final int ANNOUNCEMENTS = 2;

    private final Forwarder forwarder;
    private final PacketIo io;
    private final MacAddress mac;
    private final int[] vips;
    private final int[] tags;
    private final IpAddress[] vips6;
    private final int[] tags6;

    /** Untagged VIPs. */
    public VipOwnership(Forwarder forwarder, PacketIo io, int[] vips) {
        this(forwarder, io, vips, new int[vips.length]);
    }

    /** {@code tags[i]}: the VLAN VIP {@code vips[i]} lives on (0: untagged), where its announcements go. */
    public VipOwnership(Forwarder forwarder, PacketIo io, int[] vips, int[] tags) {
        this(forwarder, io, vips, tags, new IpAddress[0]);
    }

    /** And IPv6 VIPs, on the untagged LAN. */
    public VipOwnership(Forwarder forwarder, PacketIo io, int[] vips, int[] tags, IpAddress[] vips6) {
        this(forwarder, io, vips, tags, vips6, new int[vips6.length]);
    }

    /** And IPv6 VIPs, {@code tags6[i]} the VLAN {@code vips6[i]} lives on (0: untagged). */
    public VipOwnership(Forwarder forwarder, PacketIo io, int[] vips, int[] tags, IpAddress[] vips6, int[] tags6) {
        this.forwarder = forwarder;
        this.io = io;
        this.mac = io.mac();
        this.vips = vips.clone();
        this.tags = tags.clone();
        this.vips6 = vips6.clone();
        this.tags6 = tags6.clone();
    }

    /** Becomes active; always announces, also when already active (a notify script repeated is harmless). */
    public synchronized void activate() {
        boolean was = forwarder.isActive();
        forwarder.setActive(true);
        if (!was) {
            log.info("HA: active, taking over the VIPs");
        }
        announce();
    }

    public synchronized void standby() {
        if (forwarder.isActive()) {
            log.info("HA: standby, leaving the VIPs to the active node");
        }
        forwarder.setActive(false);
    }

    public boolean isActive() {
        return forwarder.isActive();
    }

    /** Gratuitous ARP for every VIP (a request with sender = target = VIP, to broadcast). */
    public void announce() {
        byte[] frame = new byte[Arp.TAGGED_FRAME_LENGTH];
        byte[] frame6 = new byte[Ndp.TAGGED_FRAME_LENGTH];
        for (int round = 0; round < ANNOUNCEMENTS; round++) {
            for (int i = 0; i < vips.length; i++) {
                int vip = vips[i];
                int n = Arp.writeGratuitous(frame, tags[i], mac, vip);
                try {
                    io.send(frame, n);
                    if (round == 0) {
                        log.info(
                                "gratuitous ARP: {} is at {}{}",
                                Ipv4.format(vip),
                                mac,
                                tags[i] == 0 ? "" : " (vlan " + tags[i] + ")");
                    }
                } catch (IOException e) {
                    log.warn("gratuitous ARP for {} failed: {}", Ipv4.format(vip), e.getMessage());
                }
            }
            for (int i = 0; i < vips6.length; i++) {
                IpAddress vip = vips6[i];
                int n = Ndp.writeUnsolicitedAdvertisement(frame6, tags6[i], mac, vip);
                try {
                    io.send(frame6, n);
                    if (round == 0) {
                        log.info(
                                "unsolicited Neighbor Advertisement: {} is at {}{}",
                                vip,
                                mac,
                                tags6[i] == 0 ? "" : " (vlan " + tags6[i] + ")");
                    }
                } catch (IOException e) {
                    log.warn("Neighbor Advertisement for {} failed: {}", vip, e.getMessage());
                }
            }
        }
    }
}
