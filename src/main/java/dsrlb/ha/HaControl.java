package dsrlb.ha;

/** The run-time HA role switch: what {@code ha active} and {@code ha standby} change. */
public interface HaControl {
    /** Owns the VIPs from now on: answers ARP, forwards, announces them with gratuitous ARP. */
    void activate();

    /** Silent from now on: no ARP answers for the VIPs, no forwarding; monitors keep running. */
    void standby();

    boolean isActive();
}
