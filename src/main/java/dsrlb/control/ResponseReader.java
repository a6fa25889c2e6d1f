package dsrlb.control;

import dsrlb.control.JsonParser.JsonException;
import dsrlb.status.GlobalReport;
import dsrlb.status.PersistenceReport;
import dsrlb.status.ServiceReport;
import dsrlb.status.VserverReport;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the daemon's answers back into reports, for the client's human output. Members it
 * does not know are ignored, so a newer daemon's extra fields do not break an older client.
 */
public final class ResponseReader {
    private final JsonObject root;

    private ResponseReader(JsonObject root) {
        this.root = root;
    }

    public static ResponseReader of(String json) throws JsonException {
        return new ResponseReader(new JsonObject(JsonParser.parseObject(json), ""));
    }

    /** The state of the service an enable/disable request changed. */
    public String serviceState() throws JsonException {
        return root.string("state");
    }

    /** The HA role (active/standby) an {@code ha} request left the daemon in. */
    public String haRole() throws JsonException {
        return root.string("role");
    }

    /** The daemon's error message, or null for an answer. */
    public String error() throws JsonException {
        return root.bool("ok") ? null : root.string("error");
    }

    public List<ServiceReport> services() throws JsonException {
        List<ServiceReport> out = new ArrayList<>();
        for (JsonObject s : root.objects("services")) {
            List<ServiceReport.Binding> bindings = new ArrayList<>();
            for (JsonObject b : s.objects("bindings")) {
                bindings.add(new ServiceReport.Binding(b.string("vserver"), b.integer("weight")));
            }
            List<ServiceReport.Monitor> monitors = new ArrayList<>();
            for (JsonObject m : s.objects("monitors")) {
                JsonObject p = m.optionalObject("lastProbe");
                monitors.add(new ServiceReport.Monitor(
                        m.string("name"),
                        m.string("state"),
                        m.string("reason"),
                        p == null
                                ? null
                                : new ServiceReport.Probe(
                                        p.bool("ok"),
                                        p.string("result"),
                                        duration(p.optionalDecimal("responseTimeSeconds")))));
            }
            out.add(new ServiceReport(
                    s.string("name"),
                    s.string("server"),
                    s.string("address"),
                    s.string("protocol"),
                    s.port("port"),
                    s.string("state"),
                    s.string("reason"),
                    s.optionalString("mac"),
                    s.number("persistedClients"),
                    s.number("activeTransfers"),
                    s.number("packetsForwarded"),
                    s.number("bytesForwarded"),
                    bindings,
                    monitors));
        }
        return out;
    }

    public List<VserverReport> vservers() throws JsonException {
        List<VserverReport> out = new ArrayList<>();
        for (JsonObject v : root.objects("vservers")) {
            List<VserverReport.Bound> bound = new ArrayList<>();
            for (JsonObject b : v.objects("services")) {
                bound.add(new VserverReport.Bound(
                        b.string("name"),
                        b.string("address"),
                        b.string("protocol"),
                        b.port("port"),
                        b.integer("weight"),
                        b.string("state")));
            }
            out.add(new VserverReport(
                    v.string("name"),
                    v.string("protocol"),
                    v.string("vip"),
                    v.port("port"),
                    v.string("lbMethod"),
                    v.string("persistenceType"),
                    v.integer("persistenceTimeoutMinutes"),
                    v.number("persistenceMaxEntries"),
                    v.string("state"),
                    v.number("newClients"),
                    v.number("persistenceHits"),
                    v.number("repicks"),
                    v.number("persistenceTableSize"),
                    v.number("persistenceEvictions"),
                    bound));
        }
        return out;
    }

    public GlobalReport global() throws JsonException {
        JsonObject g = root.object("global");
        JsonObject c = g.optionalObject("lastVipArpConflict");
        JsonObject k = g.optionalObject("kernelPath");
        JsonObject tr = g.optionalObject("transfers");
        Map<String, Long> drops = new LinkedHashMap<>();
        JsonObject d = g.object("drops");
        for (String reason : d.members().keySet()) {
            drops.put(reason, d.number(reason));
        }
        return new GlobalReport(
                g.instant("time"),
                g.number("received"),
                g.number("forwarded"),
                g.number("checksumsCompleted"),
                g.number("arpRepliesSent"),
                g.number("vipArpConflicts"),
                c == null
                        ? null
                        : new GlobalReport.VipArpConflict(c.string("vip"), c.string("mac"), c.instant("lastSeen")),
                drops,
                k == null
                        ? null
                        : new GlobalReport.KernelPath(
                                k.number("packets"),
                                k.number("bytes"),
                                k.number("clients"),
                                k.number("installs"),
                                k.number("removals"),
                                k.number("failures"),
                                k.number("tableRestores"),
                                k.number("mapFull")),
                tr == null
                        ? null
                        : new GlobalReport.Transfers(
                                tr.number("started"),
                                tr.number("finished"),
                                tr.number("untracked"),
                                counts(tr.objects("topFiles")),
                                counts(tr.objects("topClients"))),
                g.members().containsKey("engine") ? g.string("engine") : null);
    }

    private static List<GlobalReport.Count> counts(List<JsonObject> items) throws JsonException {
        List<GlobalReport.Count> out = new ArrayList<>();
        for (JsonObject o : items) {
            out.add(new GlobalReport.Count(o.string("key"), o.number("requests")));
        }
        return out;
    }

    public PersistenceReport persistence() throws JsonException {
        List<PersistenceReport.Entry> entries = new ArrayList<>();
        for (JsonObject e : root.objects("entries")) {
            entries.add(new PersistenceReport.Entry(e.string("client"), e.string("vserver"), e.string("service")));
        }
        return new PersistenceReport(
                root.optionalString("client"), root.number("total"), root.bool("truncated"), entries);
    }

    private static Duration duration(BigDecimal seconds) {
        return seconds == null
                ? null
                : Duration.ofNanos(seconds.movePointRight(9).longValue());
    }
}
