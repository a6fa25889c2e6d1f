package dsrlb.control;

import dsrlb.net.IpAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One request on the control socket: a line in the NetScaler CLI's words, such as
 * {@code show lb vserver tftp} or {@code show persistence 192.0.2.10}. Keywords are
 * case-insensitive; an entity name may be double-quoted to hold spaces, as in the config.
 *
 * @param argument the entity name (or client address for {@link Kind#SHOW_PERSISTENCE}), or
 *     null for all
 */
public record Request(Kind kind, String argument) {
    /** What can be asked, by its words. */
    public enum Kind {
        SHOW_SERVICE("show service"),
        SHOW_LB_VSERVER("show lb vserver"),
        STAT_LB_VSERVER("stat lb vserver"),
        SHOW_PERSISTENCE("show persistence");

        private final String words;

        Kind(String words) {
            this.words = words;
        }

        public String words() {
            return words;
        }
    }

    /** What a request may do: read the status, or change what the daemon does. */
    public enum Access {
        /** {@code show ...}, {@code stat ...}, {@code ha status}: anyone who can reach the socket. */
        READ_ONLY,
        /** Everything else: enable/disable, reload, {@code ha active|standby}; see {@link AccessPolicy}. */
        ADMIN
    }

    /**
     * The one place that says which requests only read. Anything not named here needs admin,
     * so a request added later is admin-only until someone decides otherwise. A line that
     * cannot even be split (or is empty) acts on nothing: every responder answers it with an
     * error, so it is read-only and its sender gets that error rather than a refusal.
     */
    public static Access accessOf(String line) {
        List<String> t;
        try {
            t = tokenize(line);
        } catch (BadRequestException e) {
            return Access.READ_ONLY;
        }
        if (t.isEmpty()) {
            return Access.READ_ONLY;
        }
        String first = t.get(0).toLowerCase(Locale.ROOT);
        if (first.equals("show") || first.equals("stat")) {
            return Access.READ_ONLY;
        }
        if (first.equals("ha") && t.size() == 2 && t.get(1).equalsIgnoreCase("status")) {
            return Access.READ_ONLY;
        }
        return Access.ADMIN;
    }

    public Request {
        if (kind == Kind.SHOW_PERSISTENCE && argument != null) {
            argument = IpAddress.parse(argument).format();
        }
    }

    /** The request as one line, as the client sends it. */
    public String toLine() {
        return argument == null ? kind.words : kind.words + " " + token(argument);
    }

    /** Parses a request line (without its line end). */
    public static Request parse(String line) throws BadRequestException {
        List<String> tokens = tokenize(line);
        if (tokens.isEmpty()) {
            throw new BadRequestException("empty request; " + expected());
        }
        for (Kind k : Kind.values()) {
            String[] words = k.words.split(" ");
            if (!startsWith(tokens, words)) {
                continue;
            }
            List<String> rest = tokens.subList(words.length, tokens.size());
            if (rest.size() > 1) {
                throw new BadRequestException("'" + k.words + "' takes at most one argument, not " + rest.size());
            }
            String argument = rest.isEmpty() ? null : rest.get(0);
            if (argument != null && argument.isEmpty()) {
                throw new BadRequestException("empty name");
            }
            try {
                return new Request(k, argument);
            } catch (IllegalArgumentException e) {
                throw new BadRequestException(e.getMessage());
            }
        }
        throw new BadRequestException("unknown request '" + String.join(" ", tokens) + "'; " + expected());
    }

    private static boolean startsWith(List<String> tokens, String[] words) {
        if (tokens.size() < words.length) {
            return false;
        }
        for (int i = 0; i < words.length; i++) {
            if (!tokens.get(i).toLowerCase(Locale.ROOT).equals(words[i])) {
                return false;
            }
        }
        return true;
    }

    private static String expected() {
        return "expected one of: show service [name], show lb vserver [name], stat lb vserver [name],"
                + " show persistence [client-ip]";
    }

    /** Splits like the config tokenizer: whitespace separates, "..." holds spaces with \" and \\. */
    public static List<String> tokenize(String line) throws BadRequestException {
        List<String> tokens = new ArrayList<>();
        int n = line.length();
        int i = 0;
        while (true) {
            while (i < n && (line.charAt(i) == ' ' || line.charAt(i) == '\t')) {
                i++;
            }
            if (i == n) {
                return tokens;
            }
            if (Character.isISOControl(line.charAt(i))) {
                throw new BadRequestException("control character in the request");
            }
            if (line.charAt(i) == '"') {
                StringBuilder text = new StringBuilder();
                i++;
                while (true) {
                    if (i == n) {
                        throw new BadRequestException("unterminated quoted string");
                    }
                    char c = line.charAt(i++);
                    if (c == '"') {
                        break;
                    }
                    if (c == '\\' && i < n && (line.charAt(i) == '"' || line.charAt(i) == '\\')) {
                        c = line.charAt(i++);
                    }
                    if (Character.isISOControl(c)) {
                        throw new BadRequestException("control character in the request");
                    }
                    text.append(c);
                }
                if (i < n && line.charAt(i) != ' ' && line.charAt(i) != '\t') {
                    throw new BadRequestException("a space must follow the closing quote");
                }
                tokens.add(text.toString());
            } else {
                int start = i;
                while (i < n && line.charAt(i) != ' ' && line.charAt(i) != '\t') {
                    if (Character.isISOControl(line.charAt(i))) {
                        throw new BadRequestException("control character in the request");
                    }
                    i++;
                }
                tokens.add(line.substring(start, i));
            }
        }
    }

    private static String token(String s) {
        boolean plain = !s.isEmpty() && s.chars().noneMatch(c -> c == ' ' || c == '\t' || c == '"' || c == '\\');
        return plain ? s : '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    /** A request that cannot be understood; its message goes back to the client. */
    public static final class BadRequestException extends Exception {
        private static final long serialVersionUID = 1L;

        public BadRequestException(String message) {
            super(message);
        }
    }
}
