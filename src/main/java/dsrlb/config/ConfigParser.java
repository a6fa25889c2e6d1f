package dsrlb.config;

import dsrlb.config.Tokenizer.Token;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a dsrlb configuration written in the NetScaler CLI dialect (docs/configuration.md). The whole file is checked before anything is returned: the first problem stops
 * the load with a {@code file:line: message} error, so a bad config never half-applies.
 *
 * <p>Each command family has its handler ({@link NetworkCommands}, {@link ServiceCommands},
 * {@link VserverCommands}, {@link MonitorCommands}, {@link VlanCommands}); they fill one {@link ConfigDraft}.
 */
public final class ConfigParser {
    private final ConfigDraft draft = new ConfigDraft();
    private final List<Command> commands;

    private ConfigParser() {
        NetworkCommands network = new NetworkCommands(draft);
        ServiceCommands services = new ServiceCommands(draft);
        VserverCommands vservers = new VserverCommands(draft);
        MonitorCommands monitors = new MonitorCommands(draft);
        VlanCommands vlans = new VlanCommands(draft);
        commands = List.of(
                new Command(Dialect.ADD_NS_IP, network::addNsIp),
                new Command(Dialect.ADD_NS_IP6, network::addNsIp6),
                new Command(Dialect.ADD_ROUTE, network::addRoute),
                new Command(Dialect.ADD_VLAN, vlans::addVlan),
                new Command(Dialect.BIND_VLAN, vlans::bindVlan),
                new Command(Dialect.ADD_SERVER, services::addServer),
                new Command(Dialect.ADD_SERVICE, services::addService),
                new Command(Dialect.SET_SERVICE, services::setService),
                new Command(Dialect.ENABLE_SERVICE, s -> services.changeState(s, ServiceState.ENABLED)),
                new Command(Dialect.DISABLE_SERVICE, s -> services.changeState(s, ServiceState.DISABLED)),
                new Command(Dialect.ADD_LB_VSERVER, vservers::addLbVserver),
                new Command(Dialect.BIND_LB_VSERVER, vservers::bindLbVserver),
                new Command(Dialect.ADD_LB_MONITOR, monitors::addLbMonitor),
                new Command(Dialect.BIND_SERVICE, monitors::bindService));
    }

    /** The commands this parser reads, in its table's order: what dsrlb.conf(5) documents (ConfigManual). */
    static List<CommandSpec> commandTable() {
        return new ConfigParser().commands.stream().map(Command::spec).toList();
    }

    /** Loads a UTF-8 file; messages name it as given, the way compilers do. */
    public static DsrConfig load(Path file) throws ConfigException, IOException {
        return parse(file.toString(), Files.readString(file, StandardCharsets.UTF_8));
    }

    /**
     * Parses and checks a whole config.
     *
     * @param fileName what error messages and notices call the text
     * @throws ConfigException at the first problem, with its line
     */
    public static DsrConfig parse(String fileName, String text) throws ConfigException {
        ConfigParser parser = new ConfigParser();
        // A BOM is what Windows editors leave in front of the first command.
        String body = text.startsWith("\uFEFF") ? text.substring(1) : text;
        int lineNumber = 0;
        for (String line : (Iterable<String>) body.lines()::iterator) {
            lineNumber++;
            SourceLocation at = new SourceLocation(fileName, lineNumber);
            List<Token> tokens = Tokenizer.tokenize(line, at);
            if (!tokens.isEmpty()) {
                parser.execute(at, tokens);
            }
        }
        return parser.draft.build();
    }

    private void execute(SourceLocation at, List<Token> tokens) throws ConfigException {
        for (Command command : commands) {
            if (startsWith(tokens, command.spec().words())) {
                command.handler().apply(Statement.parse(command.spec(), tokens, at, draft.notices));
                return;
            }
        }
        for (List<String> words : Dialect.NOT_YET) {
            if (startsWith(tokens, words)) {
                throw new ConfigException(at, "command '" + String.join(" ", words) + "' is not supported yet");
            }
        }
        throw new ConfigException(at, "unknown command '" + commandWords(tokens) + "'");
    }

    private static boolean startsWith(List<Token> tokens, List<String> words) {
        if (tokens.size() < words.size()) {
            return false;
        }
        for (int i = 0; i < words.size(); i++) {
            if (!tokens.get(i).text().equalsIgnoreCase(words.get(i))) {
                return false;
            }
        }
        return true;
    }

    /** The leading keywords of an unknown line, enough to recognise it without echoing the whole line. */
    private static String commandWords(List<Token> tokens) {
        List<String> words = new ArrayList<>();
        for (Token token : tokens) {
            if (words.size() == 3 || token.isOptionName()) {
                break;
            }
            words.add(token.display());
        }
        return String.join(" ", words) + (tokens.size() > words.size() ? " ..." : "");
    }

    @FunctionalInterface
    private interface Handler {
        void apply(Statement statement) throws ConfigException;
    }

    private record Command(CommandSpec spec, Handler handler) {}
}
