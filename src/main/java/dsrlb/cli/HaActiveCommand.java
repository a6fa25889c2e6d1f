package dsrlb.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code ha active}. */
@Command(
        name = "active",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Take over the VIPs: answer ARP for them, forward, and announce them with gratuitous ARP.",
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:done", "1:dsrlb is not running or refused", "2:bad arguments"})
final class HaActiveCommand implements Callable<Integer> {
    @Mixin
    ShowOptions options;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        return ControlRequest.ha(spec, options, "ha active");
    }
}
