package dsrlb.cli;

import picocli.CommandLine.Command;

/** Measurements that lab/bench combines into BENCHMARKS.md. */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Measurements for lab/bench: round-trip latency (and the echo it reflects off), persistence heap,"
                + " status page load time; and the charts it draws of them.",
        subcommands = {
            BenchRttCommand.class,
            BenchEchoCommand.class,
            BenchHeapCommand.class,
            BenchStatusCommand.class,
            BenchPlotCommand.class
        })
final class BenchCommand {}
