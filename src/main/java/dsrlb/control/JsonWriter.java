package dsrlb.control;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;

/**
 * Compact JSON written in one pass. The project has no JSON library, and the control channel
 * needs little: objects, arrays, strings, integers, decimals, booleans and null.
 *
 * <p>Strings are escaped per RFC 8259; everything outside printable ASCII goes out as
 * {@code \\u} escapes, so a reason string with odd bytes cannot break a terminal or a parser.
 */
public final class JsonWriter {
    private final StringBuilder sb = new StringBuilder(256);
    /** One flag per open container: has it a member yet (so the next one needs a comma)? */
    private final Deque<boolean[]> open = new ArrayDeque<>();

    private boolean afterName;

    public JsonWriter beginObject() {
        separate();
        sb.append('{');
        open.push(new boolean[1]);
        return this;
    }

    public JsonWriter endObject() {
        open.pop();
        sb.append('}');
        return this;
    }

    public JsonWriter beginArray() {
        separate();
        sb.append('[');
        open.push(new boolean[1]);
        return this;
    }

    public JsonWriter endArray() {
        open.pop();
        sb.append(']');
        return this;
    }

    public JsonWriter name(String name) {
        separate();
        quote(sb, name);
        sb.append(':');
        afterName = true;
        return this;
    }

    public JsonWriter value(String s) {
        separate();
        if (s == null) {
            sb.append("null");
        } else {
            quote(sb, s);
        }
        return this;
    }

    public JsonWriter value(long n) {
        separate();
        sb.append(n);
        return this;
    }

    public JsonWriter value(boolean b) {
        separate();
        sb.append(b);
        return this;
    }

    /** A decimal with a fixed number of fraction digits (times, where 1 ns is noise). */
    public JsonWriter value(double d, int fractionDigits) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            throw new IllegalArgumentException("JSON has no " + d);
        }
        separate();
        sb.append(String.format(Locale.ROOT, "%." + fractionDigits + "f", d));
        return this;
    }

    public JsonWriter nullValue() {
        separate();
        sb.append("null");
        return this;
    }

    public JsonWriter field(String name, String value) {
        return name(name).value(value);
    }

    public JsonWriter field(String name, long value) {
        return name(name).value(value);
    }

    public JsonWriter field(String name, boolean value) {
        return name(name).value(value);
    }

    private void separate() {
        if (afterName) {
            afterName = false;
            return;
        }
        boolean[] hasMember = open.peek();
        if (hasMember != null) {
            if (hasMember[0]) {
                sb.append(',');
            }
            hasMember[0] = true;
        }
    }

    @Override
    public String toString() {
        return sb.toString();
    }

    /** Appends {@code s} as a JSON string (ASCII only: everything else escaped). */
    public static void quote(StringBuilder q, String s) {
        q.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> q.append("\\\"");
                case '\\' -> q.append("\\\\");
                case '\n' -> q.append("\\n");
                case '\r' -> q.append("\\r");
                case '\t' -> q.append("\\t");
                case '\b' -> q.append("\\b");
                case '\f' -> q.append("\\f");
                default -> {
                    if (c < 0x20 || c > 0x7E) {
                        q.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        q.append(c);
                    }
                }
            }
        }
        q.append('"');
    }

    public static String quote(String s) {
        StringBuilder q = new StringBuilder(s.length() + 2);
        quote(q, s);
        return q.toString();
    }
}
