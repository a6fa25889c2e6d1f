package dsrlb.control;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dsrlb.status.GlobalReport;
import dsrlb.status.Json;
import dsrlb.status.PersistenceReport;
import dsrlb.status.ServiceReport;
import dsrlb.status.VserverReport;
import java.util.List;

/**
 * The daemon's answers as JSON, one object a response: {@code "ok":true}, the request, then the
 * data; or {@code "ok":false} with {@code "error"}. The data's field names are the status
 * records' own (scripts rely on them, and {@link ResponseReader} reads the records back).
 */
public final class ResponseWriter {
    private ResponseWriter() {}

    public static String error(String message) {
        return Json.write(new Refusal(false, message));
    }

    /** {@code "ok":true}, {@code "request"}, then the members of {@code body} (a record). */
    public static String answer(String request, Object body) {
        return Json.write(new Answer(true, request, body));
    }

    public static String services(Request request, List<ServiceReport> services) {
        return answer(request.toLine(), new Services(services));
    }

    public static String vservers(Request request, List<VserverReport> vservers) {
        return answer(request.toLine(), new Vservers(vservers));
    }

    public static String stat(Request request, GlobalReport g, List<VserverReport> vservers) {
        return answer(request.toLine(), new Stat(g, vservers));
    }

    public static String persistence(Request request, PersistenceReport p) {
        return answer(request.toLine(), p);
    }

    @JsonPropertyOrder({"ok", "request"})
    private record Answer(
            boolean ok, String request, @JsonUnwrapped Object body) {}

    private record Refusal(boolean ok, String error) {}

    private record Services(List<ServiceReport> services) {}

    private record Vservers(List<VserverReport> vservers) {}

    private record Stat(GlobalReport global, List<VserverReport> vservers) {}
}
