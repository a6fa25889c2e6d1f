package dsrlb.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code dsrlb} command: one subcommand a class. */
@Command(name = "dsrlb", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "A software load balancer in MAC-based forwarding (DSR) mode, configured like a NetScaler.",
        subcommands = {RunCommand.class, CheckCommand.class, BackendSetupCommand.class,
                ProbeCommand.class, BenchCommand.class, EnableCommand.class, DisableCommand.class, HaCommand.class, DoctorCommand.class,
                StormCommand.class,
                ShowCommand.class, StatCommand.class,
                CommandLine.HelpCommand.class})
public final class Main {
    /** Exit status for bad config or arguments, as NetScaler's batch and most daemons use. */
    public static final int EXIT_USAGE = 2;
    public static final int EXIT_RUNTIME = 1;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        // picocli already exits 2 (ExitCode.USAGE) on invalid arguments.
        return new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true);
    }
}
