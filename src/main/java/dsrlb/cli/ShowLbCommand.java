package dsrlb.cli;

import picocli.CommandLine.Command;

/** {@code show lb ...}: the NetScaler command group. */
@Command(
        name = "lb",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Load balancing entities.",
        subcommands = {ShowLbVserverCommand.class})
final class ShowLbCommand {}
