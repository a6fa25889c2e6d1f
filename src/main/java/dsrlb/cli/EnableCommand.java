package dsrlb.cli;

import picocli.CommandLine.Command;

/** {@code enable ...}: NetScaler's verb; services for now. */
@Command(
        name = "enable",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Enable at run time.",
        subcommands = EnableServiceCommand.class)
final class EnableCommand {}
