package dsrlb.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** The {@code dsrlb} command: one subcommand a class. */
@Command(
        name = "dsrlb",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "A software load balancer in MAC-based forwarding (DSR) mode, configured like a NetScaler.",
        subcommands = {
            RunCommand.class,
            CheckCommand.class,
            BackendSetupCommand.class,
            ProbeCommand.class,
            BenchCommand.class,
            EnableCommand.class,
            DisableCommand.class,
            HaCommand.class,
            DoctorCommand.class,
            StormCommand.class,
            ReloadCommand.class,
            ShowCommand.class,
            StatCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Main {
    /** Exit status for bad config or arguments, as NetScaler's batch and most daemons use. */
    public static final int EXIT_USAGE = 2;

    public static final int EXIT_RUNTIME = 1;

    /**
     * Exit status for "this host cannot run it as asked" (a capability, a library, the interface
     * missing): a restart cannot help, so the packaged unit's RestartPreventExitStatus= lists it
     * next to {@link #EXIT_USAGE} instead of restarting every few seconds forever. Not 3: the
     * JVM exits with 3 on -XX:+ExitOnOutOfMemoryError, which must be restarted.
     */
    public static final int EXIT_CANNOT_RUN_HERE = 4;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        // picocli already exits 2 (ExitCode.USAGE) on invalid arguments.
        CommandLine root = new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true);
        giveHelpCommandAVersion(root.getSubcommands().get("help").getCommandSpec());
        return root;
    }

    /**
     * picocli's built-in {@code help} has -h/--help only; every dsrlb command answers
     * --version too, so the man page, the completion and the operator see one rule.
     */
    private static void giveHelpCommandAVersion(CommandSpec help) {
        help.versionProvider(new VersionProvider());
        help.addOption(OptionSpec.builder("-V", "--version")
                .versionHelp(true)
                .description("Print version information and exit.")
                .build());
    }
}
