package dsrlb.daemon;

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

    VipOwnershipControl(VipOwnership ownership, PacketEngine engine) {
        this.ownership = ownership;
        this.engine = engine;
    }

    @Override
    public void activate() {
        engine.setActive(true);
        ownership.activate();
    }

    @Override
    public void standby() {
        ownership.standby();
        engine.setActive(false);
    }

    @Override
    public boolean isActive() {
        return ownership.isActive();
    }
}
