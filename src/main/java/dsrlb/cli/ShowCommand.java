package dsrlb.cli;

import picocli.CommandLine.Command;

/** NetScaler's {@code show}: state of the running dsrlb, asked over its control socket. */
@Command(
        name = "show",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Show the running dsrlb's vservers, services and persistence (over its control socket).",
        subcommands = {ShowLbCommand.class, ShowServiceCommand.class, ShowPersistenceCommand.class})
final class ShowCommand {}
