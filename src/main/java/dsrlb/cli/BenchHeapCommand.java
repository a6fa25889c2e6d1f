package dsrlb.cli;

import dsrlb.bench.PersistenceFootprint;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Heap used by the persistence table at a given number of clients. */
@Command(
        name = "heap",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Heap retained by a SOURCEIP persistence table of N clients (after full GCs).")
final class BenchHeapCommand implements Callable<Integer> {
    @Option(
            names = "--entries",
            defaultValue = "1000000",
            description = "Clients, 1..20000000 (default: ${DEFAULT-VALUE}).")
    int entries;

    @Option(names = "--json")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (entries < 1 || entries > 20_000_000) {
            spec.commandLine().getErr().println("dsrlb bench heap: --entries 1..20000000");
            return Main.EXIT_USAGE;
        }
        long bytes = PersistenceFootprint.measure(entries);
        PrintWriter out = spec.commandLine().getOut();
        String f = json
                ? "{\"entries\":%d,\"heap_bytes\":%d,\"bytes_per_entry\":%.1f}%n"
                : "entries=%d heap_bytes=%d bytes_per_entry=%.1f%n";
        out.printf(Locale.ROOT, f, entries, bytes, (double) bytes / entries);
        return 0;
    }
}
