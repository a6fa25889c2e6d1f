package dsrlb.cli;

import picocli.CommandLine.Command;

/** {@code ha ...}: the HA role switch that keepalived's notify scripts call. */
@Command(
        name = "ha",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Switch the running dsrlb between HA active and standby (for keepalived's notify scripts).",
        subcommands = {HaActiveCommand.class, HaStandbyCommand.class, HaStatusCommand.class})
final class HaCommand {}
