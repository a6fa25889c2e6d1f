package dsrlb.status;

import java.time.Instant;

/**
 * This dsrlb as a whole: what runs, which HA role it has, and which config.
 *
 * @param version the build's version ("development" outside a packaged jar)
 * @param engine the packet engine that runs (pcap, native, offload)
 * @param haRole {@link #ACTIVE} (owns the VIPs) or {@link #STANDBY}
 * @param configGeneration 1 for the config loaded at start, one more per accepted reload
 * @param lastLoad the last load of the config file: the start's, or the last reload's, refused or not
 */
public record NodeReport(String version, String engine, String haRole, long configGeneration, ConfigLoad lastLoad) {
    public static final String ACTIVE = "active";
    public static final String STANDBY = "standby";

    /** One load of the config file: at start or by a reload; a refused one leaves the running config. */
    public record ConfigLoad(boolean ok, Instant time, String message) {}
}
