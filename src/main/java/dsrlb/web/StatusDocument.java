package dsrlb.web;

import dsrlb.status.GlobalReport;
import dsrlb.status.Json;
import dsrlb.status.NodeReport;
import dsrlb.status.ServiceReport;
import dsrlb.status.StatusSource;
import dsrlb.status.VserverReport;
import java.util.List;

/**
 * What {@code /status.json} serves: the control socket's records ({@code show}/{@code stat}) side
 * by side, so the page and scripts read the same numbers as the CLI and the metrics. Rates are
 * left to the reader: two documents and their {@code global.time} give them.
 *
 * @param node null where the source does not know it
 */
public record StatusDocument(
        @Json.Nullable NodeReport node,
        GlobalReport global,
        List<VserverReport> vservers,
        List<ServiceReport> services) {
    public StatusDocument {
        vservers = List.copyOf(vservers);
        services = List.copyOf(services);
    }

    /** The same document with at most {@code listed} transfers in each list ({@link GlobalReport#listing}). */
    // GlobalReport.listing returns itself when it cut nothing: identity says so without comparing
    // every transfer.
    @SuppressWarnings("ReferenceEquality")
    public StatusDocument listing(int listed) {
        GlobalReport fewer = global.listing(listed);
        return fewer == global ? this : new StatusDocument(node, fewer, vservers, services);
    }

    public static StatusDocument of(StatusSource status) {
        return new StatusDocument(status.node(), status.global(), status.vservers(), status.services());
    }
}
