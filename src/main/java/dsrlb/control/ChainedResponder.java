package dsrlb.control;

import java.util.List;

/**
 * A responder for some requests of the control socket, in a chain: a request that is not its
 * own goes on to the next handler unchanged. The request line is split into tokens once here,
 * the config's way (quotes, backslashes), and a line that cannot be split is an error.
 */
public abstract class ChainedResponder implements RequestHandler {
    private final RequestHandler next;

    protected ChainedResponder(RequestHandler next) {
        this.next = next;
    }

    @Override
    public final String respond(String line) {
        List<String> tokens;
        try {
            tokens = Request.tokenize(line);
        } catch (Request.BadRequestException e) {
            return ResponseWriter.error(e.getMessage());
        }
        return handles(tokens) ? answer(line, tokens) : next.respond(line);
    }

    /** Whether the request (never null, maybe empty) is this responder's. */
    protected abstract boolean handles(List<String> tokens);

    /** The JSON answer to a request this responder {@link #handles}. */
    protected abstract String answer(String line, List<String> tokens);

    /** Whether the request's first word is {@code word}, in any case. */
    protected static boolean firstWordIs(List<String> tokens, String word) {
        return !tokens.isEmpty() && tokens.get(0).equalsIgnoreCase(word);
    }
}
