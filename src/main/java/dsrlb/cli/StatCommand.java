package dsrlb.cli;

import picocli.CommandLine.Command;

/** NetScaler's {@code stat}: counters of the running dsrlb, asked over its control socket. */
@Command(
        name = "stat",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Counters of the running dsrlb (over its control socket).",
        subcommands = {StatLbCommand.class})
final class StatCommand {}
