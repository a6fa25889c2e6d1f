package dsrlb.cli;

import dsrlb.bench.RoundTripMeter;
import dsrlb.storm.Percentiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Request → first reply of a TFTP server, one request at a time. */
@Command(name = "rtt", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Round trips RRQ -> first reply (an ERROR for a missing file) to a TFTP server: p50/p90/p99/max in microseconds.")
final class BenchRttCommand implements Callable<Integer> {
    @Option(names = "--target", required = true, paramLabel = "HOST") String target;
    @Option(names = "--port", defaultValue = "69") int port;
    @Option(names = "--source", paramLabel = "ADDR", description = "Source address to bind (default: any).") String source;
    @Option(names = "--count", defaultValue = "10000", description = "Samples, 1..1000000 (default: ${DEFAULT-VALUE}).") int count;
    @Option(names = "--warmup", defaultValue = "500", description = "Requests not counted first (default: ${DEFAULT-VALUE}).") int warmup;
    @Option(names = "--file", defaultValue = "dsrlb-rtt-no-such-file") String file;
    @Option(names = "--timeout-ms", defaultValue = "1000") int timeoutMillis;
    @Option(names = "--json") boolean json;
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        if (count < 1 || count > 1_000_000 || warmup < 0 || warmup > 100_000 || timeoutMillis < 1) {
            spec.commandLine().getErr().println("dsrlb bench rtt: --count 1..1000000, --warmup 0..100000, --timeout-ms >= 1");
            return Main.EXIT_USAGE;
        }
        InetAddress src = source == null ? null : InetAddress.getByName(source);
        InetSocketAddress dst = new InetSocketAddress(InetAddress.getByName(target), port);
        RoundTripMeter.measure(src, dst, file, warmup, timeoutMillis);
        RoundTripMeter.Series s = RoundTripMeter.measure(src, dst, file, count, timeoutMillis);
        if (s.nanos().length == 0) {
            spec.commandLine().getErr().println("dsrlb bench rtt: no reply from " + dst + " (" + s.lost() + " lost)");
            return 1;
        }
        Percentiles p = Percentiles.ofNanos(s.nanos());
        String f = json
                ? "{\"target\":\"%s\",\"samples\":%d,\"lost\":%d,\"p50_us\":%.1f,\"p90_us\":%.1f,\"p99_us\":%.1f,\"max_us\":%.1f}%n"
                : "target=%s samples=%d lost=%d p50_us=%.1f p90_us=%.1f p99_us=%.1f max_us=%.1f%n";
        out.printf(Locale.ROOT, f, dst.getAddress().getHostAddress() + ":" + port, p.count(), s.lost(),
                micros(p.percentile(50)), micros(p.percentile(90)), micros(p.percentile(99)), micros(p.max()));
        return s.lost() == 0 ? 0 : 1;
    }

    private static double micros(java.time.Duration d) {
        return d.toNanos() / 1e3;
    }
}
