package dsrlb.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code disable service <name> [--graceful] [--delay s]}: at once, its clients are re-picked at
 * their next packet; gracefully, it takes no new clients and goes OUT OF SERVICE once its
 * clients have been idle for a few seconds (a TFTP transfer is over when its client stops
 * ACKing) or the delay is up.
 */
@Command(
        name = "service",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Disable a service of the running dsrlb, at once or gracefully.",
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {
            "0:done (or draining, with --graceful)",
            "1:dsrlb is not running, or no such service",
            "2:bad arguments"
        })
final class DisableServiceCommand implements Callable<Integer> {
    @Parameters(paramLabel = "NAME")
    String name;

    @Option(names = "--graceful", description = "No new clients; OUT OF SERVICE when its clients are idle.")
    boolean graceful;

    @Option(
            names = "--delay",
            paramLabel = "SECONDS",
            description = "With --graceful: the longest wait before OUT OF SERVICE (default: none).")
    Long delay;

    @Mixin
    ShowOptions options;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (delay != null && (!graceful || delay < 0 || delay > 86_400)) {
            spec.commandLine().getErr().println(spec.qualifiedName() + ": --delay needs --graceful and 0..86400 s");
            return Main.EXIT_USAGE;
        }
        String line = "disable service " + ControlRequest.token(name) + (graceful ? " -graceful YES" : "")
                + (delay != null ? " -delay " + delay : "");
        return ControlRequest.service(spec, options, line, name);
    }
}
