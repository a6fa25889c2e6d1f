package dsrlb.daemon;

import dsrlb.announce.Announcer;
import dsrlb.dataplane.VipOwnership;
import dsrlb.engine.PacketEngine;
import dsrlb.ha.HaControl;
import java.util.List;

/**
 * The control socket's and the role file's {@code ha} requests, applied to the running
 * forwarder and to the engine (a standby keeps no clients in the kernel either).
 */
final class VipOwnershipControl implements HaControl {
    /** One per interface: each announces its own VIPs. */
    private final List<VipOwnership> ownerships;

    private final List<PacketEngine> engines;
    /** Null without --announce-interface. */
    private final Announcer announcer;

    VipOwnershipControl(List<VipOwnership> ownerships, List<PacketEngine> engines, Announcer announcer) {
        this.ownerships = List.copyOf(ownerships);
        this.engines = List.copyOf(engines);
        this.announcer = announcer;
    }

    @Override
    public void activate() {
        engines.forEach(e -> e.setActive(true));
        ownerships.forEach(VipOwnership::activate);
        reannounce();
    }

    @Override
    public void standby() {
        ownerships.forEach(VipOwnership::standby);
        engines.forEach(e -> e.setActive(false));
        reannounce();
    }

    @Override
    public Announcement announcement() {
        return announcer == null ? null : new Announcement(announcer.interfaceName(), announcer.isUp());
    }

    /** At once, not at the announcer's next poll: a standby withdraws its route without delay. */
    private void reannounce() {
        if (announcer != null) {
            announcer.run();
        }
    }

    @Override
    public boolean isActive() {
        // All interfaces switch together; the first speaks for them.
        return ownerships.get(0).isActive();
    }
}
