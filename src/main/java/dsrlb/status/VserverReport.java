package dsrlb.status;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * A vserver as {@code show lb vserver} and {@code stat lb vserver} report it.
 *
 * @param port destination port, or -1 for {@code *}
 * @param state {@code UP} while any bound service is UP, else {@code DOWN}
 * @param newClients packets that were given a service by the lb method (first packets of new
 *     clients, and of re-picked ones)
 * @param persistenceHits packets that went where persistence said
 * @param repicks persisted clients whose service was no longer UP and who were given another
 * @param persistenceTableSize clients in the SOURCEIP table now
 * @param persistenceEvictions clients the table dropped (idle past -timeout, or over its size bound)
 */
// hits (not a component: it is the sum of two) goes after state, where scripts have seen it.
@JsonPropertyOrder({
    "name",
    "protocol",
    "vip",
    "port",
    "lbMethod",
    "persistenceType",
    "persistenceTimeoutMinutes",
    "persistenceMaxEntries",
    "state",
    "hits"
})
public record VserverReport(
        String name,
        String protocol,
        String vip,
        @Json.Port int port,
        String lbMethod,
        String persistenceType,
        int persistenceTimeoutMinutes,
        long persistenceMaxEntries,
        String state,
        long newClients,
        long persistenceHits,
        long repicks,
        long persistenceTableSize,
        long persistenceEvictions,
        List<Bound> services) {
    public VserverReport {
        services = List.copyOf(services);
    }

    /** Packets matched and given a service: NetScaler's "Vserver hits". */
    @JsonProperty(value = "hits", access = JsonProperty.Access.READ_ONLY)
    public long hits() {
        return newClients + persistenceHits;
    }

    public long activeServices() {
        return services.stream().filter(s -> s.state().equals("UP")).count();
    }

    /** A bound service with its state now. */
    public record Bound(
            String name,
            String address,
            String protocol,
            @Json.Port int port,
            int weight,
            String state) {}
}
