package dsrlb.cli;

import dsrlb.cli.text.StatText;
import dsrlb.control.Request;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code stat lb vserver [name]}. */
@Command(
        name = "vserver",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Counters: received, forwarded, drops by reason, checksums completed, ARP replies, VIP ARP "
                + "conflicts (with the last offending MAC); per vserver hits, new clients, persistence hits, "
                + "re-picks, persisted clients.",
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:shown", "1:dsrlb is not running, or no such vserver", "2:bad arguments"})
final class StatLbVserverCommand implements Callable<Integer> {
    @Mixin
    VserverNameArgument vserver;

    @Override
    public Integer call() {
        return vserver.ask(
                Request.Kind.STAT_LB_VSERVER, (answer, one) -> StatText.stat(answer.global(), answer.vservers(), one));
    }
}
