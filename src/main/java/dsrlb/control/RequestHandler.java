package dsrlb.control;

/** Answers one request line of the control channel with one JSON object. */
@FunctionalInterface
public interface RequestHandler {
    /**
     * Answers {@code line}.
     *
     * @param line the request without its line end, already bounded in length and valid UTF-8
     * @return the JSON answer; errors are answers too ({@link ResponseWriter#error})
     */
    String respond(String line);
}
