package dsrlb.admin;

import java.util.List;

/**
 * {@code ha active}, {@code ha standby} and {@code ha status}: the requests keepalived's notify
 * scripts send; every other request goes on to the next handler.
 */
public final class HaResponder implements RequestHandler {
    private final HaControl control;
    private final RequestHandler next;

    public HaResponder(HaControl control, RequestHandler next) {
        this.control = control;
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
        if (t.isEmpty() || !t.get(0).equalsIgnoreCase("ha")) {
            return next.respond(line);
        }
        if (t.size() != 2) {
            return ResponseWriter.error("usage: ha active|standby|status");
        }
        switch (t.get(1).toLowerCase(java.util.Locale.ROOT)) {
            case "active" -> control.activate();
            case "standby" -> control.standby();
            case "status" -> { }
            default -> {
                return ResponseWriter.error("ha takes active, standby or status, not '" + t.get(1) + "'");
            }
        }
        return new JsonWriter().beginObject().field("ok", true).field("request", line.strip())
                .field("role", control.isActive() ? "active" : "standby").endObject().toString();
    }
}
