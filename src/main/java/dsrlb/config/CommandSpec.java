package dsrlb.config;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The shape of one config command: its keywords, its positional parameters and the options
 * it takes, sorted into three kinds. Option names are looked up in lower case because the
 * NetScaler CLI ignores their case; the canonical spelling is kept for messages.
 *
 * @param words the command keywords, lower case ({@code add lb vserver})
 * @param params positional parameters, for messages ({@code <name>})
 * @param options options that mean something here, lower case → canonical spelling
 * @param ignored NetScaler options that are accepted and reported once, lower case → spec
 * @param unsupported NetScaler options whose effect dsrlb would not reproduce: an error,
 *     because ignoring them would silently change what the operator asked for
 * @param arity how many values a meaningful option takes, by canonical spelling, when not one:
 *     0 for a flag ({@code -tagged}), up to 2 for {@code -IPAddress <ip> <netmask>} (values after
 *     the first may be left out: {@code -IPAddress <ip6>/<prefix>}; the command checks them)
 */
record CommandSpec(
        List<String> words,
        List<String> params,
        Map<String, String> options,
        Map<String, IgnoredOption> ignored,
        Map<String, String> unsupported,
        Map<String, Integer> arity) {

    /** The ones that only make sense inside a NetScaler; the forwarder has nothing to apply them to. */
    static final String NO_MEANING = "it has no meaning in MAC-mode forwarding";

    String name() {
        return String.join(" ", words);
    }

    String usage() {
        StringBuilder usage = new StringBuilder(name());
        for (String param : params) {
            usage.append(' ').append(param);
        }
        for (String option : options.values()) {
            usage.append(" [-")
                    .append(option)
                    .append(" ...".repeat(arity(option)))
                    .append(']');
        }
        return usage.toString();
    }

    /** How many values the meaningful option {@code canonical} takes. */
    int arity(String canonical) {
        return arity.getOrDefault(canonical, 1);
    }

    /**
     * An option accepted without effect. {@code check} keeps a typo such as {@code -usip YSE}
     * from passing silently, even though the value is not used.
     */
    record IgnoredOption(String name, Check check, String reason) {}

    /** Returns null when the value is acceptable, else what was expected. */
    @FunctionalInterface
    interface Check {
        String problem(String value);

        Check TEXT = value -> null;
        Check UINT = value -> value.matches("[0-9]{1,10}") ? null : "expected a number";
        Check YES_NO = oneOf("YES", "NO");
        Check ON_OFF = oneOf("ON", "OFF");
        Check ENABLED_DISABLED = oneOf("ENABLED", "DISABLED");

        static Check oneOf(String... allowed) {
            String expected = allowed.length == 2
                    ? "expected " + allowed[0] + " or " + allowed[1]
                    : "expected one of " + String.join(", ", allowed);
            return value -> Arrays.stream(allowed).anyMatch(value::equalsIgnoreCase) ? null : expected;
        }
    }

    static Builder command(String words, String... params) {
        return new Builder(words, params);
    }

    static final class Builder {
        private final List<String> words;
        private final List<String> params;
        private final Map<String, String> options = new LinkedHashMap<>();
        private final Map<String, IgnoredOption> ignored = new LinkedHashMap<>();
        private final Map<String, String> unsupported = new LinkedHashMap<>();
        private final Map<String, Integer> arity = new LinkedHashMap<>();

        private Builder(String words, String... params) {
            this.words = List.of(words.toLowerCase(Locale.ROOT).split(" "));
            this.params = List.of(params);
        }

        Builder option(String name) {
            options.put(key(name), name);
            return this;
        }

        /** A meaningful option that takes {@code values} values (0: a flag). */
        Builder option(String name, int values) {
            arity.put(name, values);
            return option(name);
        }

        Builder ignore(String name, Check check) {
            return ignore(name, check, NO_MEANING);
        }

        Builder ignore(String name, Check check, String reason) {
            ignored.put(key(name), new IgnoredOption(name, check, reason));
            return this;
        }

        Builder unsupported(String... names) {
            for (String name : names) {
                unsupported.put(key(name), name);
            }
            return this;
        }

        CommandSpec build() {
            return new CommandSpec(words, params, frozen(options), frozen(ignored), frozen(unsupported), frozen(arity));
        }

        // Keeps insertion order, so usage() lists options as the table does.
        private static <V> Map<String, V> frozen(Map<String, V> map) {
            return Collections.unmodifiableMap(new LinkedHashMap<>(map));
        }

        private static String key(String name) {
            return name.toLowerCase(Locale.ROOT);
        }
    }
}
