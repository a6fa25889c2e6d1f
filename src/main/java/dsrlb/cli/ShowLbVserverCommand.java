package dsrlb.cli;

import dsrlb.cli.text.VserverText;
import dsrlb.control.Request;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

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
    @Mixin
    VserverNameArgument vserver;

    @Override
    public Integer call() {
        return vserver.ask(Request.Kind.SHOW_LB_VSERVER, (answer, one) -> VserverText.show(answer.vservers(), one));
    }
}
