package dsrlb.daemon;

import dsrlb.control.ChainedResponder;
import dsrlb.control.RequestHandler;
import dsrlb.control.ResponseWriter;
import java.util.List;
import java.util.function.Supplier;

/** The control socket's {@code reload}; every other request goes on. */
public final class ReloadResponder extends ChainedResponder {
    private final Supplier<Reloader.Outcome> reload;

    public ReloadResponder(Supplier<Reloader.Outcome> reload, RequestHandler next) {
        super(next);
        this.reload = reload;
    }

    @Override
    protected boolean handles(List<String> t) {
        return firstWordIs(t, "reload");
    }

    @Override
    protected String answer(String line, List<String> t) {
        if (t.size() > 1) {
            return ResponseWriter.error("reload takes no arguments");
        }
        Reloader.Outcome o = reload.get();
        if (!o.ok()) {
            return ResponseWriter.error(o.message());
        }
        return ResponseWriter.answer("reload", new Reloaded(o.message()));
    }

    private record Reloaded(String message) {}
}
