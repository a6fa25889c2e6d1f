package dsrlb.daemon;

import dsrlb.announce.Announcer;
import dsrlb.dataplane.VipOwnership;
import dsrlb.engine.PacketEngine;
import dsrlb.ha.HaControl;

/**
 * The control socket's and the role file's {@code ha} requests, applied to the running
 * forwarder and to the engine (a standby keeps no clients in the kernel either).
 */
final class VipOwnershipControl implements HaControl {
    private final VipOwnership ownership;
    private final PacketEngine engine;
    /** Null without --announce-interface. */
    private final Announcer announcer;

    VipOwnershipControl(VipOwnership ownership, PacketEngine engine, Announcer announcer) {
        this.ownership = ownership;
        this.engine = engine;
        this.announcer = announcer;
    }

    @Override
    public void activate() {
        engine.setActive(true);
        ownership.activate();
        reannounce();
    }

    @Override
    public void standby() {
        ownership.standby();
        engine.setActive(false);
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
        return ownership.isActive();
    }
}
