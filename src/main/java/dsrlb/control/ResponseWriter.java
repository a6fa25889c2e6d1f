package dsrlb.control;

import dsrlb.status.GlobalReport;
import dsrlb.status.PersistenceReport;
import dsrlb.status.ServiceReport;
import dsrlb.status.VserverReport;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The daemon's answers as JSON, one object a response: {@code "ok":true} with the data, or
 * {@code "ok":false} with {@code "error"}. Field names are the protocol: {@link ResponseReader}
 * reads the same ones, and scripts rely on them.
 */
public final class ResponseWriter {
    private ResponseWriter() {}

    public static String error(String message) {
        return new JsonWriter()
                .beginObject()
                .field("ok", false)
                .field("error", message)
                .endObject()
                .toString();
    }

    public static String services(Request request, List<ServiceReport> services) {
        JsonWriter w = start(request).name("services").beginArray();
        for (ServiceReport s : services) {
            w.beginObject()
                    .field("name", s.name())
                    .field("server", s.server())
                    .field("address", s.address())
                    .field("protocol", s.protocol());
            port(w, s.port())
                    .field("state", s.state())
                    .field("reason", s.reason())
                    .field("mac", s.mac())
                    .field("persistedClients", s.persistedClients())
                    .field("activeTransfers", s.activeTransfers())
                    .field("packetsForwarded", s.packetsForwarded())
                    .field("bytesForwarded", s.bytesForwarded())
                    .name("bindings")
                    .beginArray();
            for (ServiceReport.Binding b : s.bindings()) {
                w.beginObject()
                        .field("vserver", b.vserver())
                        .field("weight", b.weight())
                        .endObject();
            }
            w.endArray().name("monitors").beginArray();
            for (ServiceReport.Monitor m : s.monitors()) {
                w.beginObject()
                        .field("name", m.name())
                        .field("state", m.state())
                        .field("reason", m.reason())
                        .name("lastProbe");
                ServiceReport.Probe p = m.lastProbe();
                if (p == null) {
                    w.nullValue();
                } else {
                    w.beginObject()
                            .field("ok", p.ok())
                            .field("result", p.result())
                            .name("responseTimeSeconds");
                    seconds(w, p.responseTime()).endObject();
                }
                w.endObject();
            }
            w.endArray().endObject();
        }
        return w.endArray().endObject().toString();
    }

    public static String vservers(Request request, List<VserverReport> vservers) {
        JsonWriter w = start(request);
        vserverArray(w, vservers);
        return w.endObject().toString();
    }

    public static String stat(Request request, GlobalReport g, List<VserverReport> vservers) {
        JsonWriter w = start(request)
                .name("global")
                .beginObject()
                .field("time", g.time().toString())
                .field("received", g.received())
                .field("forwarded", g.forwarded())
                .field("checksumsCompleted", g.checksumsCompleted())
                .field("arpRepliesSent", g.arpRepliesSent())
                .field("vipArpConflicts", g.vipArpConflicts())
                .name("lastVipArpConflict");
        GlobalReport.VipArpConflict c = g.lastVipArpConflict();
        if (c == null) {
            w.nullValue();
        } else {
            w.beginObject()
                    .field("vip", c.vip())
                    .field("mac", c.mac())
                    .field("lastSeen", c.lastSeen().toString())
                    .endObject();
        }
        w.name("drops").beginObject();
        for (Map.Entry<String, Long> d : g.drops().entrySet()) {
            w.field(d.getKey(), d.getValue());
        }
        w.endObject();
        GlobalReport.Transfers tr = g.transfers();
        if (tr != null) {
            w.name("transfers")
                    .beginObject()
                    .field("started", tr.started())
                    .field("finished", tr.finished())
                    .field("untracked", tr.untracked());
            counts(w, "topFiles", tr.topFiles());
            counts(w, "topClients", tr.topClients());
            w.endObject();
        }
        GlobalReport.KernelPath k = g.kernelPath();
        if (k != null) {
            w.name("kernelPath")
                    .beginObject()
                    .field("packets", k.packets())
                    .field("bytes", k.bytes())
                    .field("clients", k.clients())
                    .field("installs", k.installs())
                    .field("removals", k.removals())
                    .field("failures", k.failures())
                    .field("tableRestores", k.tableRestores())
                    .field("mapFull", k.mapFull())
                    .endObject();
        }
        if (g.engine() != null) {
            w.field("engine", g.engine());
        }
        w.endObject();
        vserverArray(w, vservers);
        return w.endObject().toString();
    }

    private static void counts(JsonWriter w, String name, List<GlobalReport.Count> counts) {
        w.name(name).beginArray();
        for (GlobalReport.Count c : counts) {
            w.beginObject()
                    .field("key", c.key())
                    .field("requests", c.requests())
                    .endObject();
        }
        w.endArray();
    }

    public static String persistence(Request request, PersistenceReport p) {
        JsonWriter w = start(request)
                .field("client", p.client())
                .field("total", p.total())
                .field("truncated", p.truncated())
                .name("entries")
                .beginArray();
        for (PersistenceReport.Entry e : p.entries()) {
            w.beginObject()
                    .field("client", e.client())
                    .field("vserver", e.vserver())
                    .field("service", e.service())
                    .endObject();
        }
        return w.endArray().endObject().toString();
    }

    private static JsonWriter start(Request request) {
        return new JsonWriter().beginObject().field("ok", true).field("request", request.toLine());
    }

    private static void vserverArray(JsonWriter w, List<VserverReport> vservers) {
        w.name("vservers").beginArray();
        for (VserverReport v : vservers) {
            w.beginObject()
                    .field("name", v.name())
                    .field("protocol", v.protocol())
                    .field("vip", v.vip());
            port(w, v.port())
                    .field("lbMethod", v.lbMethod())
                    .field("persistenceType", v.persistenceType())
                    .field("persistenceTimeoutMinutes", v.persistenceTimeoutMinutes())
                    .field("persistenceMaxEntries", v.persistenceMaxEntries())
                    .field("state", v.state())
                    .field("hits", v.hits())
                    .field("newClients", v.newClients())
                    .field("persistenceHits", v.persistenceHits())
                    .field("repicks", v.repicks())
                    .field("persistenceTableSize", v.persistenceTableSize())
                    .field("persistenceEvictions", v.persistenceEvictions())
                    .name("services")
                    .beginArray();
            for (VserverReport.Bound b : v.services()) {
                w.beginObject()
                        .field("name", b.name())
                        .field("address", b.address())
                        .field("protocol", b.protocol());
                port(w, b.port())
                        .field("weight", b.weight())
                        .field("state", b.state())
                        .endObject();
            }
            w.endArray().endObject();
        }
        w.endArray();
    }

    /** A port as a number, {@code *} as the string "*": what the config and NetScaler print. */
    private static JsonWriter port(JsonWriter w, int port) {
        return port < 0 ? w.field("port", "*") : w.field("port", port);
    }

    private static JsonWriter seconds(JsonWriter w, Duration d) {
        return d == null ? w.nullValue() : w.value(d.toNanos() / 1e9, 6);
    }
}
