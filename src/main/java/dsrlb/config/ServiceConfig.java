package dsrlb.config;

import dsrlb.net.IpAddress;

/**
 * {@code add service <name> <server|ip> ANY|UDP|TCP <port|*> [options]}.
 *
 * @param server name of the server it refers to (a server is created implicitly when the
 *     config names an address, as NetScaler does)
 * @param port destination port, or {@link #ANY_PORT} for {@code *}
 */
public record ServiceConfig(
        String name,
        String server,
        IpAddress address,
        Protocol protocol,
        int port,
        ServiceState state,
        SourceLocation location) {
    public static final int ANY_PORT = -1;

    public ServiceConfig withState(ServiceState newState) {
        return new ServiceConfig(name, server, address, protocol, port, newState, location);
    }
}
