package dsrlb.cli.text;

import java.time.Duration;
import java.util.Locale;

/** Formatting shared by the human renderings. */
final class Text {
    /** NetScaler's closing line. */
    static final String DONE = " Done\n";

    private Text() {}

    static String port(int port) {
        return port < 0 ? "*" : Integer.toString(port);
    }

    /** {@code name (ip:port) - PROTOCOL}, the way NetScaler heads an entity. */
    static String endpoint(String name, String address, int port, String protocol) {
        return name + " (" + address + ":" + port(port) + ") - " + protocol;
    }

    /**
     * Free text as it may be printed on a terminal: reasons carry what backends sent (a TFTP
     * error message), and a control character there must not reach the operator's terminal.
     */
    static String clean(String s) {
        if (s == null) {
            return "-";
        }
        StringBuilder sb = new StringBuilder(s.length());
        s.codePoints().forEach(c -> sb.appendCodePoint(Character.isISOControl(c) ? ' ' : c));
        return sb.toString();
    }

    static String millis(Duration d) {
        return d == null ? "-" : String.format(Locale.ROOT, "%.3f millisec", d.toNanos() / 1e6);
    }
}
