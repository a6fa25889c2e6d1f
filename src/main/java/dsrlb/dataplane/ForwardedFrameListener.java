package dsrlb.dataplane;

import dsrlb.balance.LoadBalancer;

/**
 * Told by the forwarder of every frame it sent on to a service: the balancer's per-service
 * counters, the transfer table, and an engine that moves a client's later packets into the
 * kernel (the offload engine) all learn the decision this one way. Called on the receive thread
 * for each forwarded frame, in the order the listeners were given: it must neither block nor
 * allocate, and it gets primitives only so that nothing is boxed per packet.
 */
@FunctionalInterface
public interface ForwardedFrameListener {
    /** Listens to nothing: for an engine without a kernel fast path. */
    ForwardedFrameListener NONE = (frame, length, vipIndex, clientIp, serviceId, protocol, port) -> {};

    /**
     * One frame went to a service. The frame is the forwarder's receive buffer with the MACs
     * already rewritten; it is only valid during the call.
     *
     * @param frame the Ethernet frame, an IPv4 packet right after the 14-byte header or the 18
     *     bytes of a tagged one ({@code frame.Ethernet.payloadOffset})
     * @param length the frame's length in {@code frame}
     * @param vipIndex index of the VIP in the forwarding state the frame was decided with
     * @param clientIp the frame's source address
     * @param serviceId the service it went to
     * @param protocol the IP protocol number
     * @param port the TCP/UDP destination port, or -1 (other protocols, non-first fragments)
     */
    void forwarded(byte[] frame, int length, int vipIndex, int clientIp, int serviceId, int protocol, int port);

    /**
     * One IPv6 frame went to a service; the client's address is the packet's source (read it from
     * the frame with {@code frame.Ipv6Packet.sourceHigh/sourceLow}: no object per packet). The
     * default ignores it: a listener that keeps IPv4 clients in an {@code int} (the kernel
     * offload's map) does not follow IPv6 clients yet.
     *
     * @param ip where the IPv6 header starts in {@code frame}
     */
    default void forwardedIpv6(byte[] frame, int length, int ip, int vipIndex, int serviceId, int protocol, int port) {}

    /** Counts each forwarded frame towards its service in {@code balancer} (packets, bytes, last activity). */
    static ForwardedFrameListener countingFor(LoadBalancer balancer) {
        return new ForwardedFrameListener() {
            @Override
            public void forwarded(
                    byte[] frame, int length, int vipIndex, int clientIp, int serviceId, int protocol, int port) {
                balancer.countForwarded(serviceId, length);
            }

            @Override
            public void forwardedIpv6(
                    byte[] frame, int length, int ip, int vipIndex, int serviceId, int protocol, int port) {
                balancer.countForwarded(serviceId, length);
            }
        };
    }
}
