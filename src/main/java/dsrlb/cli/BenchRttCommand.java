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

/** Request → first reply of a UDP echo or a TFTP server, one request at a time. */
@Command(
        name = "rtt",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Round trips request -> first reply, one at a time: p50/p90/p99/max in microseconds.",
            "echo: a datagram to a UDP echo (dsrlb bench echo) and the same bytes back from the address asked.",
            "tftp: an RRQ for a missing file and the ERROR a TFTP server answers it with."
        })
final class BenchRttCommand implements Callable<Integer> {
    enum Protocol {
        echo,
        tftp
    }

    @Option(names = "--target", required = true, paramLabel = "HOST")
    String target;

    @Option(names = "--protocol", defaultValue = "tftp", description = "echo or tftp (default: ${DEFAULT-VALUE}).")
    Protocol protocol;

    @Option(names = "--port", description = "Default: 7 for echo, 69 for tftp.")
    Integer port;

    @Option(names = "--source", paramLabel = "ADDR", description = "Source address to bind (default: any).")
    String source;

    @Option(names = "--count", defaultValue = "10000", description = "Samples, 1..1000000 (default: ${DEFAULT-VALUE}).")
    int count;

    @Option(
            names = "--warmup",
            defaultValue = "500",
            description = "Requests not counted first (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(
            names = "--file",
            defaultValue = "dsrlb-rtt-no-such-file",
            description = "tftp: the missing file to ask for.")
    String file;

    @Option(
            names = "--payload-bytes",
            defaultValue = "32",
            description = "echo: datagram size, 8..1472 (default: ${DEFAULT-VALUE}).")
    int payloadBytes;

    @Option(names = "--timeout-ms", defaultValue = "1000")
    int timeoutMillis;

    @Option(names = "--json")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        int dstPort = port != null ? port : protocol == Protocol.echo ? 7 : 69;
        if (count < 1
                || count > 1_000_000
                || warmup < 0
                || warmup > 100_000
                || timeoutMillis < 1
                || timeoutMillis > 60_000
                || dstPort < 1
                || dstPort > 65535
                || payloadBytes < RoundTripMeter.MIN_ECHO_BYTES
                || payloadBytes > RoundTripMeter.MAX_ECHO_BYTES) {
            spec.commandLine()
                    .getErr()
                    .println("dsrlb bench rtt: --count 1..1000000, --warmup 0..100000,"
                            + " --timeout-ms 1..60000, --port 1..65535, --payload-bytes 8..1472");
            return Main.EXIT_USAGE;
        }
        InetAddress src = source == null ? null : InetAddress.getByName(source);
        InetSocketAddress dst = new InetSocketAddress(InetAddress.getByName(target), dstPort);
        if (warmup > 0) {
            measure(src, dst, warmup);
        }
        RoundTripMeter.Series s = measure(src, dst, count);
        if (s.nanos().length == 0) {
            spec.commandLine()
                    .getErr()
                    .println("dsrlb bench rtt: no reply from " + dst + " (" + s.lost() + " lost, " + s.strays()
                            + " stray replies)");
            return 1;
        }
        Percentiles p = Percentiles.ofNanos(s.nanos());
        String f = json
                ? "{\"protocol\":\"%s\",\"target\":\"%s\",\"samples\":%d,\"lost\":%d,\"stray\":%d,\"p50_us\":%.1f,\"p90_us\":%.1f,\"p99_us\":%.1f,\"max_us\":%.1f}%n"
                : "protocol=%s target=%s samples=%d lost=%d stray=%d p50_us=%.1f p90_us=%.1f p99_us=%.1f max_us=%.1f%n";
        out.printf(
                Locale.ROOT,
                f,
                protocol,
                dst.getAddress().getHostAddress() + ":" + dstPort,
                p.count(),
                s.lost(),
                s.strays(),
                micros(p.percentile(50)),
                micros(p.percentile(90)),
                micros(p.percentile(99)),
                micros(p.max()));
        return s.lost() == 0 ? 0 : 1;
    }

    private RoundTripMeter.Series measure(InetAddress src, InetSocketAddress dst, int n) throws IOException {
        return protocol == Protocol.echo
                ? RoundTripMeter.measureEcho(src, dst, payloadBytes, n, timeoutMillis)
                : RoundTripMeter.measureTftp(src, dst, file, n, timeoutMillis);
    }

    private static double micros(java.time.Duration d) {
        return d.toNanos() / 1e3;
    }
}
