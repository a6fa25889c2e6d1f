package dsrlb.config;

import dsrlb.net.IpAddress;
import java.util.ArrayList;
import java.util.List;

/** A vserver whose bindings are still being read. */
final class VserverDraft {
    final String name;
    final Protocol protocol;
    final IpAddress vip;
    final int port;
    final PersistenceType persistence;
    final int timeoutMinutes;
    final long persistenceMaxEntries;
    final LbMethod method;
    final SourceLocation location;
    final List<Binding> bindings = new ArrayList<>();

    VserverDraft(
            String name,
            Protocol protocol,
            IpAddress vip,
            int port,
            PersistenceType persistence,
            int timeoutMinutes,
            long persistenceMaxEntries,
            LbMethod method,
            SourceLocation location) {
        this.name = name;
        this.protocol = protocol;
        this.vip = vip;
        this.port = port;
        this.persistence = persistence;
        this.timeoutMinutes = timeoutMinutes;
        this.persistenceMaxEntries = persistenceMaxEntries;
        this.method = method;
        this.location = location;
    }

    VserverConfig build() {
        return new VserverConfig(
                name,
                protocol,
                vip,
                port,
                persistence,
                timeoutMinutes,
                persistenceMaxEntries,
                method,
                bindings,
                location);
    }
}
