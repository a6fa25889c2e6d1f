package dsrlb.cli;

import dsrlb.admin.HaControl;
import dsrlb.dataplane.VipOwnership;

/** The control socket's {@code ha} requests, applied to the running forwarder. */
final class VipOwnershipControl implements HaControl {
    private final VipOwnership ownership;

    VipOwnershipControl(VipOwnership ownership) {
        this.ownership = ownership;
    }

    @Override
    public void activate() {
        ownership.activate();
    }

    @Override
    public void standby() {
        ownership.standby();
    }

    @Override
    public boolean isActive() {
        return ownership.isActive();
    }
}
