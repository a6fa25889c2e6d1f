package dsrlb.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code enable service <name>}: back to taking new clients (once its health allows). */
@Command(
        name = "service",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Enable a service of the running dsrlb.",
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:enabled", "1:dsrlb is not running, or no such service", "2:bad arguments"})
final class EnableServiceCommand implements Callable<Integer> {
    @Parameters(paramLabel = "NAME")
    String name;

    @Mixin
    ShowOptions options;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        return ControlRequest.service(spec, options, "enable service " + ControlRequest.token(name), name);
    }
}
