package dsrlb.announce;

import java.io.IOException;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the liveness interface up exactly while this node should receive VIP traffic: HA-active
 * and at least one vserver with a service UP. A routing daemon (BIRD's static route {@code via
 * "dsrlb-up"}) announces the VIPs while the interface is up and withdraws them when it goes down
 * or disappears; dsrlb itself speaks no routing protocol. Polled (every 100 ms by the daemon), as
 * the HA role file is: a comparison of two booleans, and the link changes only on a transition.
 */
public final class Announcer implements Runnable {
    private static final Logger log = LoggerFactory.getLogger("dsrlb");

    private final LinkSwitch link;
    private final BooleanSupplier active;
    private final BooleanSupplier serviceUp;
    /** What the link is known to be; null before the first successful set (forces one). */
    private Boolean applied;

    private volatile boolean up;

    public Announcer(LinkSwitch link, BooleanSupplier active, BooleanSupplier serviceUp) {
        this.link = link;
        this.active = active;
        this.serviceUp = serviceUp;
    }

    /** Whether a node in this state announces: HA-active and serving. */
    public static boolean shouldAnnounce(boolean active, boolean serviceUp) {
        return active && serviceUp;
    }

    /** Brings the link to what the node's state asks for, when it differs. Never throws. */
    @Override
    public synchronized void run() {
        boolean isActive = active.getAsBoolean();
        boolean serving = serviceUp.getAsBoolean();
        boolean want = shouldAnnounce(isActive, serving);
        if (applied != null && applied == want) {
            return;
        }
        try {
            link.setUp(want);
        } catch (IOException | RuntimeException e) {
            // Left as it was; the next run tries again.
            log.warn("announce: cannot set {} {}: {}", link.name(), want ? "up" : "down", e.getMessage());
            return;
        }
        applied = want;
        up = want;
        log.info(
                "announce: {} {} ({}, {})",
                link.name(),
                want ? "up, VIPs announced" : "down, VIPs withdrawn",
                isActive ? "HA active" : "HA standby",
                serving ? "a service UP" : "no service UP");
    }

    /** Whether the link is up (the VIPs announced) as far as this process set it. */
    public boolean isUp() {
        return up;
    }

    public String interfaceName() {
        return link.name();
    }
}
