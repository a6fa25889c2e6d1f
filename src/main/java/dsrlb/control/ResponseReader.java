package dsrlb.control;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import dsrlb.status.GlobalReport;
import dsrlb.status.Json;
import dsrlb.status.Json.JsonException;
import dsrlb.status.PersistenceReport;
import dsrlb.status.ServiceReport;
import dsrlb.status.VserverReport;
import java.util.List;

/**
 * Reads the daemon's answers back into reports, for the client's human output. Members it
 * does not know are ignored, so a newer daemon's extra fields do not break an older client.
 */
public final class ResponseReader {
    private static final TypeReference<List<ServiceReport>> SERVICES = new TypeReference<>() {};
    private static final TypeReference<List<VserverReport>> VSERVERS = new TypeReference<>() {};

    private final JsonNode root;

    private ResponseReader(JsonNode root) {
        this.root = root;
    }

    public static ResponseReader of(String json) throws JsonException {
        return new ResponseReader(Json.parseObject(json));
    }

    /** The state of the service an enable/disable request changed. */
    public String serviceState() throws JsonException {
        return Json.read(root, "state", String.class);
    }

    /** The HA role (active/standby) an {@code ha} request left the daemon in. */
    public String haRole() throws JsonException {
        return Json.read(root, "role", String.class);
    }

    /**
     * The liveness interface an {@code ha} answer reports, as "NAME up" or "NAME down", or null
     * when the daemon runs without {@code --announce-interface}.
     */
    public String announce() throws JsonException {
        JsonNode a = root.get("announce");
        if (a == null || a.isNull()) {
            return null;
        }
        return Json.read(a, "interfaceName", String.class) + (Json.read(a, "up", Boolean.class) ? " up" : " down");
    }

    /** The daemon's error message, or null for an answer. */
    public String error() throws JsonException {
        return Json.read(root, "ok", Boolean.class) ? null : Json.read(root, "error", String.class);
    }

    public List<ServiceReport> services() throws JsonException {
        return Json.read(root, "services", SERVICES);
    }

    public List<VserverReport> vservers() throws JsonException {
        return Json.read(root, "vservers", VSERVERS);
    }

    public GlobalReport global() throws JsonException {
        return Json.read(root, "global", GlobalReport.class);
    }

    /** The persistence answer is the report itself, after "ok" and "request". */
    public PersistenceReport persistence() throws JsonException {
        return Json.read(root, PersistenceReport.class);
    }
}
