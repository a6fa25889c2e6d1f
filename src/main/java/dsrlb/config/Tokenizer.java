package dsrlb.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits one config line into tokens the way the NetScaler CLI does: whitespace separates
 * tokens, a double-quoted token may hold spaces (with {@code \"} and {@code \\} escapes, as
 * in an exported ns.conf), and an unquoted token that starts with {@code #} starts a comment.
 */
final class Tokenizer {
    private Tokenizer() {}

    /**
     * @param quoted a quoted token is always a value, never an option name, so
     *     {@code -comment "-x"} works
     */
    record Token(String text, boolean quoted) {
        /** {@code -name}: a dash and a letter, so that {@code -1} stays a (bad) value. */
        boolean isOptionName() {
            return !quoted && text.length() > 1 && text.charAt(0) == '-' && Character.isLetter(text.charAt(1));
        }

        /** The token as an operator would write it, for messages. */
        String display() {
            if (!quoted) {
                return text;
            }
            return '"' + text.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
        }
    }

    static List<Token> tokenize(String line, SourceLocation at) throws ConfigException {
        List<Token> tokens = new ArrayList<>();
        int n = line.length();
        int i = 0;
        while (true) {
            while (i < n && Character.isWhitespace(line.charAt(i))) {
                i++;
            }
            if (i == n || line.charAt(i) == '#') {
                return tokens;
            }
            if (line.charAt(i) == '"') {
                StringBuilder text = new StringBuilder();
                i++;
                while (true) {
                    if (i == n) {
                        throw new ConfigException(at, "unterminated quoted string");
                    }
                    char c = line.charAt(i++);
                    if (c == '"') {
                        break;
                    }
                    if (c == '\\' && i < n && (line.charAt(i) == '"' || line.charAt(i) == '\\')) {
                        c = line.charAt(i++);
                    }
                    text.append(c);
                }
                // "a"b would be ambiguous: one token or two? NetScaler rejects it too.
                if (i < n && !Character.isWhitespace(line.charAt(i))) {
                    throw new ConfigException(at, "a space must follow the closing quote");
                }
                tokens.add(new Token(text.toString(), true));
            } else {
                int start = i;
                while (i < n && !Character.isWhitespace(line.charAt(i))) {
                    i++;
                }
                tokens.add(new Token(line.substring(start, i), false));
            }
        }
    }
}
