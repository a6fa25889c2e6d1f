package dsrlb.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dsrlb.config.ConfigException;
import dsrlb.config.ConfigParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * What the README and the operators' guide tell people to type must work as written: every
 * `dsrlb ...` line in their code blocks is a real command with real options (parsed by the same
 * picocli model `dsrlb` runs) that an integration test or a lab script runs for real, every
 * `lab/...` script exists, and every config block loads.
 */
class DocumentedCommandsTest {
    static final List<Path> DOCS = List.of(Path.of("README.md"), Path.of("docs/operations.md"));
    static final Pattern BLOCK = Pattern.compile("(?s)```\\n(.*?)```");

    static List<String> blocks(Path doc) throws IOException {
        List<String> blocks = new ArrayList<>();
        Matcher m = BLOCK.matcher(Files.readString(doc));
        while (m.find()) {
            blocks.add(m.group(1));
        }
        return blocks;
    }

    /** A shell line without its comment, {@code [optional]} parts and line continuations. */
    static String command(String line) {
        String c = line.replaceFirst("\\s+#.*$", "")
                .replaceAll("\\[[^\\]]*\\]", "")
                .trim();
        return c.startsWith("./dsrlb ") ? c.substring(2) : c;
    }

    @Test
    void everyDsrlbCommandParses() throws IOException {
        List<String> problems = new ArrayList<>();
        int seen = 0;
        for (Path doc : DOCS) {
            for (String block : blocks(doc)) {
                for (String line : block.replace("\\\n", " ").lines().toList()) {
                    String c = command(line);
                    if (!c.matches("dsrlb [a-z].*")) {
                        continue;
                    }
                    seen++;
                    String[] args = Arrays.stream(c.substring("dsrlb ".length()).split("\\s+"))
                            .map(a -> a.replaceAll("^<.*>$", "x"))
                            .toArray(String[]::new);
                    try {
                        List<String> path = new ArrayList<>();
                        CommandLine.ParseResult r = Main.commandLine().parseArgs(args);
                        while (r.hasSubcommand()) {
                            r = r.subcommand();
                            path.add(r.commandSpec().name());
                        }
                        if (!runByALabTest(path)) {
                            problems.add(doc + ": `" + c + "`: no integration test or lab script runs `dsrlb "
                                    + String.join(" ", path) + "`");
                        }
                    } catch (CommandLine.ParameterException e) {
                        problems.add(doc + ": `" + c + "`: " + e.getMessage());
                    }
                }
            }
        }
        assertTrue(seen >= 12, "the docs show dsrlb's commands: " + seen);
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    /**
     * Whether an integration test (its arguments as Java strings: "show", "service") or a lab
     * script (dsrlb show service) runs this command, so what the docs promise is exercised.
     */
    static boolean runByALabTest(List<String> path) throws IOException {
        String java = path.stream().map(w -> "\"" + w + "\"").collect(Collectors.joining(",\\s*"));
        String shell = "dsrlb\\S*\\s+" + String.join("\\s+", path) + "\\b";
        Pattern used = Pattern.compile(java + "|" + shell);
        return labSources().stream().anyMatch(text -> used.matcher(text).find());
    }

    private static List<String> labSources;

    /** The integration tests' and lab scripts' text, read once for all the documented commands. */
    private static synchronized List<String> labSources() throws IOException {
        if (labSources == null) {
            List<String> texts = new ArrayList<>();
            try (Stream<Path> its = Files.list(Path.of("src/test/java/dsrlb/lab"));
                    Stream<Path> lab = Files.list(Path.of("lab"))) {
                for (Path source :
                        Stream.concat(its, lab.filter(Files::isRegularFile)).toList()) {
                    texts.add(Files.readString(source));
                }
            }
            labSources = texts;
        }
        return labSources;
    }

    @Test
    void everyLabScriptExists() throws IOException {
        int seen = 0;
        for (Path doc : DOCS) {
            for (String block : blocks(doc)) {
                for (String line : block.lines().toList()) {
                    String c = command(line);
                    if (c.startsWith("lab/")) {
                        seen++;
                        Path script = Path.of(c.split("\\s+", -1)[0]);
                        assertTrue(Files.isExecutable(script), doc + " runs " + script + ", which is not there");
                    }
                }
            }
        }
        assertTrue(seen >= 2, "the README's two commands");
    }

    @Test
    void everyConfigBlockLoads() throws IOException {
        int seen = 0;
        for (Path doc : List.of(Path.of("README.md"), Path.of("docs/configuration.md"))) {
            for (String block : blocks(doc)) {
                if (block.lines().allMatch(l -> l.isBlank() || l.matches("^(add|bind|set|enable|disable) .*"))
                        && block.contains("add lb vserver")) {
                    seen++;
                    try {
                        ConfigParser.parse(doc.toString(), block);
                    } catch (ConfigException e) {
                        throw new AssertionError(doc + ": a config block does not load: " + e.getMessage(), e);
                    }
                }
            }
        }
        assertTrue(seen >= 1, "the README's example config");
    }
}
