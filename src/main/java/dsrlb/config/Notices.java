package dsrlb.config;

import dsrlb.config.CommandSpec.IgnoredOption;
import dsrlb.config.Tokenizer.Token;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Informational messages of one parse, in file order. An ignored option is reported once per
 * name for the whole file: an exported ns.conf repeats the same options on every service,
 * and one line each is enough to tell the operator they are not applied.
 */
final class Notices {
    private final List<String> messages = new ArrayList<>();
    private final Set<String> reported = new HashSet<>();

    void accepted(SourceLocation at, IgnoredOption option, Token value) {
        if (reported.add(option.name().toLowerCase(Locale.ROOT))) {
            messages.add(at + ": -" + option.name() + " " + value.display() + " accepted; " + option.reason()
                    + " (reported once)");
        }
    }

    void note(SourceLocation at, String message) {
        messages.add(at + ": " + message);
    }

    List<String> messages() {
        return List.copyOf(messages);
    }
}
