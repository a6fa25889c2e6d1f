package dsrlb.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code ha status}. */
@Command(
        name = "status",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Print the role of the running dsrlb (active or standby).",
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:done", "1:dsrlb is not running or refused", "2:bad arguments"})
final class HaStatusCommand implements Callable<Integer> {
    @Mixin
    ShowOptions options;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        return ControlRequest.ha(spec, options, "ha status");
    }
}
