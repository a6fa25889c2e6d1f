package dsrlb.cli;

import picocli.CommandLine.Command;

/** {@code disable ...}: NetScaler's verb; services for now. */
@Command(
        name = "disable",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Disable at run time.",
        subcommands = DisableServiceCommand.class)
final class DisableCommand {}
