package dsrlb.ha;

import com.fasterxml.jackson.annotation.JsonInclude;
import dsrlb.control.ChainedResponder;
import dsrlb.control.RequestHandler;
import dsrlb.control.ResponseWriter;
import java.util.List;
import java.util.Locale;

/**
 * {@code ha active}, {@code ha standby} and {@code ha status}: the requests keepalived's notify
 * scripts send; every other request goes on to the next handler.
 */
public final class HaResponder extends ChainedResponder {
    private final HaControl control;

    public HaResponder(HaControl control, RequestHandler next) {
        super(next);
        this.control = control;
    }

    @Override
    protected boolean handles(List<String> t) {
        return firstWordIs(t, "ha");
    }

    @Override
    protected String answer(String line, List<String> t) {
        if (t.size() != 2) {
            return ResponseWriter.error("usage: ha active|standby|status");
        }
        switch (t.get(1).toLowerCase(Locale.ROOT)) {
            case "active" -> control.activate();
            case "standby" -> control.standby();
            case "status" -> {}
            default -> {
                return ResponseWriter.error("ha takes active, standby or status, not '" + t.get(1) + "'");
            }
        }
        return ResponseWriter.answer(
                line.strip(), new Role(control.isActive() ? "active" : "standby", control.announcement()));
    }

    private record Role(
            String role,
            @JsonInclude(JsonInclude.Include.NON_NULL) HaControl.Announcement announce) {}
}
