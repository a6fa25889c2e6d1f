package dsrlb.ha;

/** The run-time HA role switch: what {@code ha active} and {@code ha standby} change. */
public interface HaControl {
    /** Owns the VIPs from now on: answers ARP, forwards, announces them with gratuitous ARP. */
    void activate();

    /** Silent from now on: no ARP answers for the VIPs, no forwarding; monitors keep running. */
    void standby();

    boolean isActive();

    /**
     * The state of the liveness interface a routing daemon announces the VIPs by
     * ({@code --announce-interface}), or null without one.
     */
    default Announcement announcement() {
        return null;
    }

    /** The liveness interface and whether it is up (the VIPs announced). */
    record Announcement(String interfaceName, boolean up) {}
}
