package dsrlb.daemon;

import dsrlb.admin.AdminRequest;
import dsrlb.admin.JsonWriter;
import dsrlb.admin.RequestHandler;
import dsrlb.admin.ResponseWriter;
import java.util.List;
import java.util.function.Supplier;

/** The control socket's {@code reload}; every other request goes on. */
public final class ReloadResponder implements RequestHandler {
    private final Supplier<Reloader.Outcome> reload;
    private final RequestHandler next;

    public ReloadResponder(Supplier<Reloader.Outcome> reload, RequestHandler next) {
        this.reload = reload;
        this.next = next;
    }

    @Override
    public String respond(String line) {
        List<String> t;
        try {
            t = AdminRequest.tokenize(line);
        } catch (AdminRequest.BadRequestException e) {
            return ResponseWriter.error(e.getMessage());
        }
        if (t.isEmpty() || !t.get(0).equalsIgnoreCase("reload")) {
            return next.respond(line);
        }
        if (t.size() > 1) {
            return ResponseWriter.error("reload takes no arguments");
        }
        Reloader.Outcome o = reload.get();
        if (!o.ok()) {
            return ResponseWriter.error(o.message());
        }
        return new JsonWriter().beginObject().field("ok", true).field("request", "reload")
                .field("message", o.message()).endObject().toString();
    }
}
