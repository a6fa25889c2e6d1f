package dsrlb.dataplane;

/**
 * Told by the forwarder about every frame it forwarded, so an engine that can move a client's
 * later packets into the kernel (the offload engine) learns the decision. Called on the
 * receive thread for each forwarded frame: it must neither block nor allocate.
 */
@FunctionalInterface
public interface ClientOffload {
    ClientOffload NONE = (vipIndex, clientIp, serviceId) -> {};

    /**
     * @param vipIndex index of the VIP in the forwarding state the frame was decided with
     * @param clientIp the frame's source address
     * @param serviceId the service it went to
     */
    void forwarded(int vipIndex, int clientIp, int serviceId);
}
