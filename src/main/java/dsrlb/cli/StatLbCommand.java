package dsrlb.cli;

import picocli.CommandLine.Command;

/** {@code stat lb ...}: the NetScaler command group. */
@Command(
        name = "lb",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Load balancing entities.",
        subcommands = {StatLbVserverCommand.class})
final class StatLbCommand {}
