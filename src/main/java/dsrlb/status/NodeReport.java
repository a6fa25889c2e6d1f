package dsrlb.status;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * This dsrlb as a whole: what runs, which HA role it has, and which config.
 *
 * @param version the build's version ("development" outside a packaged jar)
 * @param engine the packet engine that runs (pcap, native, offload)
 * @param haRole {@link #ACTIVE} (owns the VIPs) or {@link #STANDBY}
 * @param configGeneration 1 for the config loaded at start, one more per accepted reload
 * @param lastLoad the last load of the config file: the start's, or the last reload's, refused or not
 * @param announce the liveness interface a routing daemon announces the VIPs by
 *     ({@code --announce-interface}), or null when there is none
 */
public record NodeReport(
        String version,
        String engine,
        String haRole,
        long configGeneration,
        ConfigLoad lastLoad,

        @Json.Nullable @JsonInclude(JsonInclude.Include.NON_NULL)
        Announce announce) {
    public static final String ACTIVE = "active";
    public static final String STANDBY = "standby";

    /** Without an announce interface. */
    public NodeReport(String version, String engine, String haRole, long configGeneration, ConfigLoad lastLoad) {
        this(version, engine, haRole, configGeneration, lastLoad, null);
    }

    /** One load of the config file: at start or by a reload; a refused one leaves the running config. */
    public record ConfigLoad(boolean ok, Instant time, String message) {}

    /**
     * The liveness interface: up while this node is HA-active with a service UP, so the routing
     * daemon on the node announces the VIPs; down (or gone with the process) withdraws them.
     */
    public record Announce(String interfaceName, boolean up) {}
}
