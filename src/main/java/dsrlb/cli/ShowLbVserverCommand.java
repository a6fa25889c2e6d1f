package dsrlb.cli;

import dsrlb.cli.text.VserverText;
import dsrlb.control.Request;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code show lb vserver [name]}. */
@Command(
        name = "vserver",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Vservers of the running dsrlb: VIP, method, persistence, state, hits; with a name, "
                + "its bound services too.",
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:shown", "1:dsrlb is not running, or no such vserver", "2:bad arguments"})
final class ShowLbVserverCommand implements Callable<Integer> {
    @Parameters(arity = "0..1", paramLabel = "NAME", description = "One vserver (default: all).")
    String name;

    @Mixin
    ShowOptions options;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        return options.execute(
                spec,
                new Request(Request.Kind.SHOW_LB_VSERVER, name),
                answer -> VserverText.show(answer.vservers(), name != null));
    }
}
