package dsrlb.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code ha standby}. */
@Command(
        name = "standby",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Leave the VIPs to the active node: no ARP answers, no forwarding; monitors keep running.",
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:done", "1:dsrlb is not running or refused", "2:bad arguments"})
final class HaStandbyCommand implements Callable<Integer> {
    @Mixin
    ShowOptions options;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        return ControlRequest.ha(spec, options, "ha standby");
    }
}
