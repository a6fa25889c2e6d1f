package dsrlb.status;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;
import java.util.List;

/**
 * A service as {@code show service} reports it.
 *
 * @param port destination port, or -1 for {@code *}
 * @param state {@code UP}, {@code DOWN} or {@code OUT OF SERVICE}, as NetScaler prints them
 * @param mac the backend's MAC learned by ARP, or null
 * @param persistedClients clients that SOURCEIP persistence sends here, over all vservers
 * @param bindings the vservers it is bound to, with the weight of each binding
 * @param macConflicts ARP replies for the backend's address from a MAC other than the learned one
 *     (not adopted: a spoofer or a duplicate address)
 * @param lastMacConflict the last such MAC, or null
 */
public record ServiceReport(
        String name,
        String server,
        String address,
        String protocol,
        @Json.Port int port,
        String state,
        String reason,
        @Json.Nullable String mac,
        long persistedClients,
        long activeTransfers,
        long packetsForwarded,
        long bytesForwarded,
        List<Binding> bindings,
        List<Monitor> monitors,
        long macConflicts,
        @Json.Nullable String lastMacConflict) {
    public ServiceReport {
        bindings = List.copyOf(bindings);
        monitors = List.copyOf(monitors);
    }

    /** A service no other MAC ever claimed. */
    public ServiceReport(
            String name,
            String server,
            String address,
            String protocol,
            int port,
            String state,
            String reason,
            String mac,
            long persistedClients,
            long activeTransfers,
            long packetsForwarded,
            long bytesForwarded,
            List<Binding> bindings,
            List<Monitor> monitors) {
        this(
                name,
                server,
                address,
                protocol,
                port,
                state,
                reason,
                mac,
                persistedClients,
                activeTransfers,
                packetsForwarded,
                bytesForwarded,
                bindings,
                monitors,
                0,
                null);
    }

    /** A binding to a vserver ({@code bind lb vserver ... -weight n}). */
    public record Binding(String vserver, int weight) {}

    /**
     * A monitor bound to the service, with its own verdict.
     *
     * @param lastProbe null until the monitor has probed once
     */
    public record Monitor(
            String name,
            String state,
            String reason,
            @Json.Nullable Probe lastProbe) {}

    /** One probe's outcome: the download's summary or what failed, and how long it took. */
    public record Probe(
            boolean ok,
            String result,

            @JsonProperty("responseTimeSeconds") @Json.Micros @Json.Nullable
            Duration responseTime) {}
}
