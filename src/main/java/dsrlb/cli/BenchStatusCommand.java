package dsrlb.cli;

import dsrlb.bench.StatusPageLoad;
import dsrlb.storm.Percentiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Load times of the status page at N persisted clients against the same at none, in one run. */
@Command(
        name = "status",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Load time of the status page from loopback, served by dsrlb's HTTP listener, with N persisted",
            "clients and, as the baseline, with none: requests alternate between the two listeners.",
            "page = GET / + /app.js + /app.css + /status.json one after the other; p50/p99 in milliseconds."
        })
final class BenchStatusCommand implements Callable<Integer> {
    /** What issue 16 asks of the page at a million clients. */
    static final double PAGE_GOAL_MS = 100;

    @Option(
            names = "--clients",
            defaultValue = "1000000",
            description = "Persisted clients, 1..20000000 (default: ${DEFAULT-VALUE}).")
    int clients;

    @Option(
            names = "--requests",
            defaultValue = "300",
            description = "Page loads measured, 10..100000 (default: ${DEFAULT-VALUE}).")
    int requests;

    @Option(
            names = "--warmup",
            defaultValue = "100",
            description = "Page loads not counted first (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (clients < 1 || clients > 20_000_000 || requests < 10 || requests > 100_000 || warmup < 0) {
            spec.commandLine()
                    .getErr()
                    .println("dsrlb bench status: --clients 1..20000000, --requests 10..100000, --warmup >= 0");
            return Main.EXIT_USAGE;
        }
        try (StatusPageLoad full = new StatusPageLoad(clients);
                StatusPageLoad empty = new StatusPageLoad(0)) {
            if (full.persistedClients() != clients) {
                throw new IllegalStateException("status counts " + full.persistedClients() + " of " + clients);
            }
            for (int i = 0; i < warmup; i++) {
                full.page();
                empty.page();
            }
            long[][] page = new long[2][requests];
            long[][] json = new long[2][requests];
            long[][] metrics = new long[2][requests];
            StatusPageLoad[] both = {full, empty};
            for (int i = 0; i < requests; i++) {
                // Alternated, and which goes first too: neither gets a warmer JIT or a quieter moment.
                for (int k = 0; k < 2; k++) {
                    int w = (i + k) % 2;
                    page[w][i] = both[w].page();
                    json[w][i] = both[w].get("/status.json");
                    metrics[w][i] = both[w].get("/metrics");
                }
            }
            long[] walks = new long[5];
            for (int i = 0; i < walks.length; i++) {
                walks[i] = full.walkNanos();
            }
            Percentiles p = Percentiles.ofNanos(page[0]);
            Percentiles b = Percentiles.ofNanos(page[1]);
            Percentiles pj = Percentiles.ofNanos(json[0]);
            Percentiles bj = Percentiles.ofNanos(json[1]);
            Percentiles pm = Percentiles.ofNanos(metrics[0]);
            Percentiles bm = Percentiles.ofNanos(metrics[1]);
            PrintWriter out = spec.commandLine().getOut();
            out.printf(
                    Locale.ROOT,
                    "clients=%d requests=%d page_p50_ms=%.2f page_p99_ms=%.2f json_p50_ms=%.2f json_p99_ms=%.2f"
                            + " metrics_p50_ms=%.2f metrics_p99_ms=%.2f json_bytes=%d"
                            + " base_page_p50_ms=%.2f base_page_p99_ms=%.2f base_json_p50_ms=%.2f base_json_p99_ms=%.2f"
                            + " base_metrics_p50_ms=%.2f base_metrics_p99_ms=%.2f"
                            + " page_p50_ratio=%.2f page_p99_ratio=%.2f json_p50_ratio=%.2f json_p99_ratio=%.2f"
                            + " walk_ms=%.1f page_p99_within_%.0fms=%s%n",
                    clients,
                    requests,
                    ms(p, 50),
                    ms(p, 99),
                    ms(pj, 50),
                    ms(pj, 99),
                    ms(pm, 50),
                    ms(pm, 99),
                    full.body("/status.json").getBytes(StandardCharsets.UTF_8).length,
                    ms(b, 50),
                    ms(b, 99),
                    ms(bj, 50),
                    ms(bj, 99),
                    ms(bm, 50),
                    ms(bm, 99),
                    ms(p, 50) / ms(b, 50),
                    ms(p, 99) / ms(b, 99),
                    ms(pj, 50) / ms(bj, 50),
                    ms(pj, 99) / ms(bj, 99),
                    Percentiles.ofNanos(walks).percentile(50).toNanos() / 1e6,
                    PAGE_GOAL_MS,
                    ms(p, 99) < PAGE_GOAL_MS ? "yes" : "no");
        }
        return 0;
    }

    private static double ms(Percentiles p, double q) {
        return p.percentile(q).toNanos() / 1e6;
    }
}
