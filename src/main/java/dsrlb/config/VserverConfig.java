package dsrlb.config;

import dsrlb.net.IpAddress;
import java.util.List;

/**
 * {@code add lb vserver <name> ANY|UDP|TCP <vip> <port|*> [options]} with its bindings.
 *
 * @param port destination port, or {@link ServiceConfig#ANY_PORT} for {@code *}
 * @param timeoutMinutes persistence timeout ({@code -timeout}, NetScaler default 2)
 * @param persistenceMaxEntries bound of the persistence table ({@code -persistenceMaxEntries},
 *     a dsrlb extension)
 */
public record VserverConfig(
        String name,
        Protocol protocol,
        IpAddress vip,
        int port,
        PersistenceType persistence,
        int timeoutMinutes,
        long persistenceMaxEntries,
        LbMethod method,
        List<Binding> bindings,
        SourceLocation location) {
    public static final int DEFAULT_TIMEOUT_MINUTES = 2;
    public static final long DEFAULT_PERSISTENCE_MAX_ENTRIES = 1_000_000;

    public VserverConfig {
        bindings = List.copyOf(bindings);
    }
}
