package dsrlb.config;

import dsrlb.config.CommandSpec.IgnoredOption;
import dsrlb.config.Tokenizer.Token;
import dsrlb.net.IpAddress;
import dsrlb.net.Ipv4;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One config line checked against its {@link CommandSpec}: positional arguments and the
 * meaningful options, with typed accessors whose errors carry the line's location.
 * Ignored options are checked and reported while parsing and do not show up here.
 */
final class Statement {
    private final SourceLocation at;
    private final List<Token> args;
    private final Map<String, List<Token>> options;

    private Statement(SourceLocation at, List<Token> args, Map<String, List<Token>> options) {
        this.at = at;
        this.args = args;
        this.options = options;
    }

    /**
     * Each option takes one value, as nearly every NetScaler option does; the spec names the
     * few that take none ({@code -tagged}) or up to two ({@code -IPAddress <ip> <netmask>}, and
     * {@code -IPAddress <ip6>/<prefix>} with one).
     *
     * @param tokens the whole line, command keywords included
     */
    static Statement parse(CommandSpec spec, List<Token> tokens, SourceLocation at, Notices notices)
            throws ConfigException {
        int i = spec.words().size();
        List<Token> args = new ArrayList<>();
        for (String param : spec.params()) {
            if (i >= tokens.size() || tokens.get(i).isOptionName()) {
                throw new ConfigException(at, "missing " + param + "; usage: " + spec.usage());
            }
            args.add(tokens.get(i++));
        }
        Map<String, List<Token>> options = new HashMap<>();
        Set<String> seen = new HashSet<>();
        while (i < tokens.size()) {
            Token option = tokens.get(i++);
            if (!option.isOptionName()) {
                throw new ConfigException(
                        at,
                        "unexpected '" + option.display() + "' in '" + spec.name()
                                + "' (options start with '-'); usage: " + spec.usage());
            }
            String key = option.text().substring(1).toLowerCase(Locale.ROOT);
            String meaningful = spec.options().get(key);
            IgnoredOption ignored = spec.ignored().get(key);
            if (meaningful == null && ignored == null) {
                String unsupported = spec.unsupported().get(key);
                if (unsupported != null) {
                    throw new ConfigException(
                            at, "option -" + unsupported + " of '" + spec.name() + "' is not supported by dsrlb");
                }
                throw new ConfigException(at, "unknown option " + option.text() + " for '" + spec.name() + "'");
            }
            String name = "-" + (meaningful != null ? meaningful : ignored.name());
            int arity = meaningful != null ? spec.arity(meaningful) : 1;
            List<Token> values = new ArrayList<>();
            for (int v = 0; v < arity; v++) {
                if (i >= tokens.size() || tokens.get(i).isOptionName()) {
                    // Values after the first may be left out (-IPAddress <ip6>/<prefix> has no
                    // netmask); the command checks what it got.
                    if (v > 0) {
                        break;
                    }
                    throw new ConfigException(at, "option " + name + " needs a value");
                }
                values.add(tokens.get(i++));
            }
            if (!seen.add(key)) {
                throw new ConfigException(at, "option " + name + " is given twice");
            }
            if (meaningful != null) {
                options.put(meaningful, List.copyOf(values));
            } else {
                Token value = values.get(0);
                String problem = ignored.check().problem(value.text());
                if (problem != null) {
                    throw new ConfigException(at, "bad value '" + value.text() + "' for " + name + ": " + problem);
                }
                notices.accepted(at, ignored, value);
            }
        }
        return new Statement(at, args, options);
    }

    SourceLocation at() {
        return at;
    }

    ConfigException error(String message) {
        return new ConfigException(at, message);
    }

    /** Positional argument {@code index} as written (names are case-sensitive). */
    String arg(int index) {
        return args.get(index).text();
    }

    boolean has(String option) {
        return options.containsKey(option);
    }

    /** The (first) value of a meaningful option, or null when the line does not give it. */
    String option(String option) {
        return option(option, 0);
    }

    /** Value {@code index} of a meaningful option that takes several, or null when the line does not give it. */
    String option(String option, int index) {
        List<Token> values = options.get(option);
        return values == null || index >= values.size()
                ? null
                : values.get(index).text();
    }

    /** An IPv4 or IPv6 address; IpAddress's message already names the bad text. */
    IpAddress ipAddress(String text) throws ConfigException {
        try {
            return IpAddress.parse(text);
        } catch (IllegalArgumentException e) {
            throw error(e.getMessage());
        }
    }

    /** An IPv4 address; Ipv4's message already names the bad text. */
    int address(String text) throws ConfigException {
        try {
            return Ipv4.parse(text);
        } catch (IllegalArgumentException e) {
            throw error(e.getMessage());
        }
    }

    int netmask(String text) throws ConfigException {
        int mask = address(text);
        if (!Ipv4.isNetmask(mask)) {
            throw error("'" + text + "' is not a contiguous netmask");
        }
        return mask;
    }

    /** {@code *} for every port, as NetScaler writes it, else 1..65535. */
    int port(String text) throws ConfigException {
        if (text.equals("*")) {
            return ServiceConfig.ANY_PORT;
        }
        return (int) number("port", text, 1, 65535);
    }

    long number(String what, String text, long min, long max) throws ConfigException {
        if (!text.matches("[0-9]{1,18}")) {
            throw error(what + " '" + text + "' is not a number");
        }
        long value = Long.parseLong(text);
        if (value < min || value > max) {
            throw error(what + " " + value + " is out of range " + min + ".." + max);
        }
        return value;
    }

    /** NetScaler matches keyword values such as {@code sourceip} without regard to case. */
    static String keyword(String text) {
        return text.toUpperCase(Locale.ROOT);
    }
}
