package dsrlb.cli;

import dsrlb.cli.text.ServiceText;
import dsrlb.control.Request;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code show service [name]}. */
@Command(
        name = "service",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Services of the running dsrlb: state and reason, MAC, persisted clients, packets and "
                + "bytes forwarded; with a name, bindings and monitors (last result, response time) too.",
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:shown", "1:dsrlb is not running, or no such service", "2:bad arguments"})
final class ShowServiceCommand implements Callable<Integer> {
    @Parameters(arity = "0..1", paramLabel = "NAME", description = "One service (default: all, as a table).")
    String name;

    @Mixin
    ShowOptions options;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        return options.execute(
                spec,
                new Request(Request.Kind.SHOW_SERVICE, name),
                answer -> ServiceText.show(answer.services(), name != null));
    }
}
