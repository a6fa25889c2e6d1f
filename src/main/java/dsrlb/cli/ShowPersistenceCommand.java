package dsrlb.cli;

import dsrlb.cli.text.PersistenceText;
import dsrlb.control.Request;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code show persistence [--client ip]}: NetScaler's {@code show persistentSessions}, by client. */
@Command(
        name = "persistence",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "SOURCEIP persistence of the running dsrlb: which service each client is sent to.",
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:shown (also when the client has no entry)", "1:dsrlb is not running", "2:bad arguments"})
final class ShowPersistenceCommand implements Callable<Integer> {
    @Option(names = "--client", paramLabel = "IP", description = "Only this client address.")
    String client;

    @Mixin
    ShowOptions options;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Request request;
        try {
            request = new Request(Request.Kind.SHOW_PERSISTENCE, client);
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println(spec.qualifiedName() + ": --client: " + e.getMessage());
            return Main.EXIT_USAGE;
        }
        return options.execute(spec, request, answer -> PersistenceText.show(answer.persistence()));
    }
}
