package dsrlb.cli;

import dsrlb.bench.EchoReflector;
import dsrlb.metrics.MetricsExporter;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The UDP echo lab/bench runs on the backends for {@code bench rtt --protocol echo}. */
@Command(
        name = "echo",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "A single-thread UDP echo for latency measurements: each datagram goes back from the address it was sent to.",
            "Bind the VIP and the backend's own address explicitly (a DSR backend answers from the VIP).",
            "Stops after --duration-seconds, or on SIGTERM / SIGINT."
        })
final class BenchEchoCommand implements Callable<Integer> {
    @Option(
            names = "--bind",
            required = true,
            paramLabel = "ADDR:PORT",
            description = "Address to echo on; repeatable.")
    List<String> binds;

    @Option(
            names = "--duration-seconds",
            defaultValue = "600",
            description = "Stop after this long, 1..86400 (default: ${DEFAULT-VALUE}).")
    int durationSeconds;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (durationSeconds < 1 || durationSeconds > 86_400) {
            err.println("dsrlb bench echo: --duration-seconds 1..86400");
            return Main.EXIT_USAGE;
        }
        List<InetSocketAddress> addresses = new ArrayList<>();
        for (String b : binds) {
            try {
                addresses.add(MetricsExporter.parseAddress(b));
            } catch (IllegalArgumentException e) {
                err.println("dsrlb bench echo: --bind " + e.getMessage());
                return Main.EXIT_USAGE;
            }
        }
        try (EchoReflector reflector = EchoReflector.bind(addresses)) {
            CountDownLatch done = new CountDownLatch(1);
            // SIGTERM runs the hook; it must let run() return and the sockets close before the JVM halts.
            Thread hook = new Thread(
                    () -> {
                        reflector.stop();
                        try {
                            done.await(2, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    },
                    "dsrlb-echo-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            long echoed;
            try {
                out.println("echo: ready on "
                        + reflector.localAddresses().stream()
                                .map(a -> a.getAddress().getHostAddress() + ":" + a.getPort())
                                .collect(Collectors.joining(" ")));
                out.flush();
                echoed = reflector.run(Duration.ofSeconds(durationSeconds));
            } finally {
                done.countDown();
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the hook is what ended run(); nothing to remove
                }
            }
            out.printf("echo: echoed=%d dropped=%d%n", echoed, reflector.dropped());
            out.flush();
        }
        return 0;
    }
}
