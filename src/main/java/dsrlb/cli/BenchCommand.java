package dsrlb.cli;

import picocli.CommandLine.Command;

/** Measurements that lab/bench combines into BENCHMARKS.md. */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Measurements for lab/bench: round-trip latency (and the echo it reflects off), persistence heap,"
                + " status page load time.",
        subcommands = {BenchRttCommand.class, BenchEchoCommand.class, BenchHeapCommand.class, BenchStatusCommand.class})
final class BenchCommand {}
