package dsrlb.daemon;

import dsrlb.engine.EngineKind;
import dsrlb.engine.Engines;
import java.net.InetSocketAddress;
import java.nio.file.Path;

/**
 * What {@code dsrlb run} was asked for, checked by the command line already.
 *
 * @param metricsAt where to serve Prometheus metrics, or null for none
 * @param adminGroup the group whose members may send admin requests on the control socket
 * @param haRoleFile the file keepalived's notify script writes the role to, or null
 * @param announceInterface the TUN liveness interface to keep up while HA-active with a service
 *     UP (a routing daemon announces the VIPs via it), or null for none
 */
public record DaemonOptions(
        Path configFile,
        EngineKind engine,
        Engines.Options engineOptions,
        long arpRefreshNanos,
        long arpStaleNanos,
        long readyTimeoutNanos,
        Path controlSocket,
        String adminGroup,
        InetSocketAddress metricsAt,
        int realtimePriority,
        boolean standby,
        Path haRoleFile,
        String announceInterface) {}
