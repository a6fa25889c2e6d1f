package dsrlb.control;

import dsrlb.status.ServiceReport;
import dsrlb.status.StatusSource;
import dsrlb.status.VserverReport;
import java.util.List;
import java.util.function.Function;

/** The read-only requests: {@code show service}, {@code show/stat lb vserver}, {@code show persistence}. */
public final class StatusResponder implements RequestHandler {
    /**
     * Bound of one {@code show persistence} answer (about 70 bytes an entry): a table can hold a
     * million clients, and the daemon must not build a 70 MB string for one command.
     */
    public static final int MAX_PERSISTENCE_ENTRIES = 100_000;

    private final StatusSource source;

    public StatusResponder(StatusSource source) {
        this.source = source;
    }

    @Override
    public String respond(String line) {
        Request r;
        try {
            r = Request.parse(line);
        } catch (Request.BadRequestException e) {
            return ResponseWriter.error(e.getMessage());
        }
        return switch (r.kind()) {
            case SHOW_SERVICE -> {
                List<ServiceReport> s = named(source.services(), r.argument(), ServiceReport::name);
                yield s.isEmpty() && r.argument() != null
                        ? notFound("service", r.argument())
                        : ResponseWriter.services(r, s);
            }
            case SHOW_LB_VSERVER -> {
                List<VserverReport> v = named(source.vservers(), r.argument(), VserverReport::name);
                yield v.isEmpty() && r.argument() != null
                        ? notFound("vserver", r.argument())
                        : ResponseWriter.vservers(r, v);
            }
            case STAT_LB_VSERVER -> {
                List<VserverReport> v = named(source.vservers(), r.argument(), VserverReport::name);
                yield v.isEmpty() && r.argument() != null
                        ? notFound("vserver", r.argument())
                        : ResponseWriter.stat(r, source.global(), v);
            }
            case SHOW_PERSISTENCE ->
                ResponseWriter.persistence(r, source.persistence(r.argument(), MAX_PERSISTENCE_ENTRIES));
        };
    }

    /** All of them without a name; else the one with that name (names are case-sensitive, as in the config). */
    private static <T> List<T> named(List<T> all, String name, Function<T, String> nameOf) {
        return name == null
                ? all
                : all.stream().filter(x -> nameOf.apply(x).equals(name)).toList();
    }

    private static String notFound(String what, String name) {
        return ResponseWriter.error("no " + what + " named '" + name + "'");
    }
}
