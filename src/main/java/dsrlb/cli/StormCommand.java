package dsrlb.cli;

import dsrlb.cli.ProbeCommand.DurationConverter;
import dsrlb.plot.CdfSeries;
import dsrlb.plot.SvgCharts;
import dsrlb.storm.ClientResult;
import dsrlb.storm.Percentiles;
import dsrlb.storm.ProgressBar;
import dsrlb.storm.SourceAddresses;
import dsrlb.storm.Storm;
import dsrlb.storm.StormResult;
import dsrlb.tftp.TftpRequest;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** A PXE boot storm on demand: many TFTP clients, one per source address, all at once. */
@Command(
        name = "storm",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "A boot storm: one TFTP client per source address, all let go at the same instant (after every"
                    + " client has bound its address), each fetching --file from --target; then a report.",
            "--target again names more servers: the clients take them in turn (client i to target i mod k of"
                    + " k; of two targets, the first gets the 1st, 3rd, 5th.. source), so that each target's clients"
                    + " are spread over the start order; e.g. to storm backends directly, without a load balancer,"
                    + " from one process. Every target needs at least one client.",
            "Each client binds its own source address, which must be configured on this host (loopback has all"
                    + " of 127/8). Like PXE firmware, clients ask blksize and tsize, wait --timeout for each answer"
                    + " and send again up to --retries times (no ICMP check as in dsrlb probe: a closed port"
                    + " shows as timeouts).",
            "Bounded: at most " + Storm.MAX_CLIENTS + " clients, one per source, and every client ends by"
                    + " --max-time after the start (a client still running then has failed).",
            "While it runs: a progress line on stderr if stderr is a terminal, unless --no-progress. At the end,"
                    + " on stdout: clients completed and failed; completion time p50/p90/p99/max of the completed"
                    + " clients (from the common start to a client's last ACK); storm time (to the last client's"
                    + " end); aggregate throughput and bytes; retransmissions; the first failures as"
                    + " 'client: reason'.",
            "--json prints one JSON document instead: the summary and 'results', one object per client (client,"
                    + " ok, seconds, transferSeconds, bytes, retransmissions, duplicates, sha256, kind, reason);"
                    + " 'seconds' is the completion time, 'transferSeconds' RRQ to last ACK as dsrlb probe counts."
                    + " The summary's 'target' is the first --target; with several, the summary also has"
                    + " 'targets' (all of them, in order) and each client its 'target' after 'client'.",
            "--plot FILE.svg also draws the completion times as a CDF (x: seconds per client, y: the fraction"
                    + " of clients done by then; failed clients count as never done, so the line then ends below"
                    + " 1), one line per target. The file is checked before the storm starts.",
            "Which backend served whom: in DSR every answer comes from the VIP, so a client cannot tell. Join"
                    + " 'client' of the --json results with the backends' own record, e.g. in the lab with"
                    + " lab/served-by ('<client> <backend>' a line).",
            "Sources: comma-separated addresses and ranges, e.g. 192.0.2.100-192.0.2.163,192.0.2.200 or"
                    + " 192.0.2.100-163; IPv6 likewise, e.g. 2001:db8:1::100-2001:db8:1::1c7 or 2001:db8:1::100-1c7,"
                    + " a storm's sources and --target all of one IP version. Durations: 30s, 500ms, 2m, or plain (decimal) seconds."
        },
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {
            "0:every client completed (with the expected size and SHA-256, when given)",
            "1:at least one client failed",
            "2:bad arguments"
        })
final class StormCommand implements Callable<Integer> {
    /** Failures listed by name in the report; --json has all of them. */
    static final int FAILURES_SHOWN = 5;

    @Option(
            names = "--target",
            required = true,
            paramLabel = "HOST",
            description = "TFTP server or VIP: a name or an IPv4 or IPv6 address, of the sources' IP version."
                    + " Repeatable: the clients take the targets in turn.")
    List<String> targets;

    @Option(names = "--port", defaultValue = "69", paramLabel = "PORT", description = "Default: ${DEFAULT-VALUE}.")
    int port;

    @Option(names = "--file", required = true, paramLabel = "FILE", description = "File every client fetches.")
    String file;

    @Option(
            names = "--sources",
            required = true,
            paramLabel = "LIST",
            description = "Source addresses, one client each, all IPv4 or all IPv6: a.b.c.d, a.b.c.d-a.b.c.e, a.b.c.d-e"
                    + " (last octet), or 2001:db8::100-2001:db8::1c7, 2001:db8::100-1c7 (last 16 bits, hex);"
                    + " comma-separated.")
    String sources;

    @Option(
            names = "--clients",
            paramLabel = "N",
            description = "Use the first N sources (default: all; at most " + Storm.MAX_CLIENTS + ").")
    Integer clients;

    @Option(
            names = "--blksize",
            defaultValue = "" + TftpRequest.DEFAULT_BLKSIZE,
            paramLabel = "BYTES",
            description = "RFC 2348 block size to ask, with tsize; 0 asks no options (default: ${DEFAULT-VALUE}).")
    int blksize;

    @Option(
            names = "--timeout",
            defaultValue = "1s",
            converter = DurationConverter.class,
            paramLabel = "DURATION",
            description = "Wait for each answer this long before sending again (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(
            names = "--retries",
            defaultValue = "5",
            paramLabel = "N",
            description = "Send a packet again this many times before giving up (default: ${DEFAULT-VALUE}).")
    int retries;

    @Option(
            names = "--max-time",
            defaultValue = "300s",
            converter = DurationConverter.class,
            paramLabel = "DURATION",
            description = "Bound of the whole storm (default: ${DEFAULT-VALUE}).")
    Duration maxTime;

    @Option(
            names = "--expect-size",
            paramLabel = "BYTES",
            description = "A client fails unless the file has this size.")
    Long expectSize;

    @Option(
            names = "--expect-sha256",
            paramLabel = "HEX",
            description = "A client fails unless the file has this SHA-256.")
    String expectSha256;

    @Option(names = "--json", description = "One JSON document: the summary and every client's result.")
    boolean json;

    @Option(
            names = "--plot",
            paramLabel = "FILE.svg",
            description = "Also write the completion times as an SVG chart: a CDF per target.")
    Path plot;

    @Option(names = "--no-progress", description = "No progress line on stderr, even on a terminal.")
    boolean noProgress;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        String bad = invalidArguments();
        if (bad != null) {
            return usageError(bad);
        }
        if (plot != null) {
            String unwritable = SvgCharts.unwritable(plot);
            if (unwritable != null) {
                return usageError("--plot " + plot + ": " + unwritable);
            }
        }
        List<InetAddress> addresses;
        try {
            addresses = SourceAddresses.parse(sources);
        } catch (IllegalArgumentException e) {
            return usageError("--sources: " + e.getMessage());
        }
        if (clients != null && clients > addresses.size()) {
            return usageError("--clients " + clients + " is more than the " + addresses.size()
                    + " --sources addresses (one client per source address)");
        }
        int n = clients != null ? clients : addresses.size();
        if (n > Storm.MAX_CLIENTS) {
            return usageError("--sources has " + addresses.size() + " addresses, more than " + Storm.MAX_CLIENTS
                    + " clients: use --clients");
        }
        if (targets.size() > n) {
            return usageError("--target given " + targets.size() + " times for " + n
                    + " clients: every target needs at least one client");
        }
        boolean sourcesV6 = addresses.get(0) instanceof Inet6Address;
        List<InetAddress> servers = new ArrayList<>(targets.size());
        for (String target : targets) {
            InetAddress[] resolved;
            try {
                resolved = InetAddress.getAllByName(target);
            } catch (UnknownHostException e) {
                return usageError("cannot resolve " + target);
            }
            // A name may have addresses of both versions: the one of the sources' version is the target.
            InetAddress server = Arrays.stream(resolved)
                    .filter(a -> a instanceof Inet6Address == sourcesV6)
                    .findFirst()
                    .orElse(null);
            if (server == null) {
                return usageError("--target " + resolved[0].getHostAddress() + " is " + (sourcesV6 ? "IPv4" : "IPv6")
                        + ", the --sources " + (sourcesV6 ? "IPv6" : "IPv4") + ": one IP version a storm");
            }
            if (servers.contains(server)) {
                return usageError("--target " + server.getHostAddress() + " is given twice");
            }
            servers.add(server);
        }
        TftpRequest request = new TftpRequest(
                servers.get(0),
                port,
                file,
                blksize,
                timeout,
                retries,
                maxTime,
                expectSize == null ? OptionalLong.empty() : OptionalLong.of(expectSize),
                expectSha256,
                null);
        Storm storm = new Storm(request, servers, addresses.subList(0, n), maxTime);

        StormResult result;
        ProgressBar bar = !noProgress && ProgressBar.stderrIsTerminal()
                ? ProgressBar.start(storm::progress, spec.commandLine().getErr())
                : null;
        try {
            result = storm.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            spec.commandLine().getErr().println("dsrlb storm: interrupted");
            return Main.EXIT_RUNTIME;
        } finally {
            if (bar != null) {
                bar.close();
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        out.print(json ? StormJson.document(result) : table(result));
        out.flush();
        if (plot != null && !writePlot(result)) {
            return Main.EXIT_RUNTIME;
        }
        return result.allCompleted() ? 0 : Main.EXIT_RUNTIME;
    }

    /** The --plot chart; false (and a line on stderr) when it could not be written after all. */
    private boolean writePlot(StormResult r) {
        try {
            SvgCharts.write(plot, SvgCharts.cdf(plotTitle(r), PLOT_X, PLOT_Y, cdfs(r)));
            return true;
        } catch (IOException | IllegalStateException e) {
            spec.commandLine().getErr().println("dsrlb storm: --plot " + plot + ": " + e.getMessage());
            return false;
        }
    }

    static final String PLOT_X = "seconds per client (common start to its last ACK)";
    static final String PLOT_Y = "fraction of clients done";

    /**
     * A CDF line per target of the clients that fetched from it, named after the target, in the
     * targets' order; failed clients never finish.
     */
    static List<CdfSeries> cdfs(StormResult r) {
        int port = r.request().port();
        List<CdfSeries> lines = new ArrayList<>(r.targets().size());
        for (InetAddress target : r.targets()) {
            List<ClientResult> clients = r.clientsOf(target);
            List<Double> done = clients.stream()
                    .filter(ClientResult::ok)
                    .map(c -> c.completion().toNanos() / 1e9)
                    .toList();
            String name = port == 69 ? target.getHostAddress() : hostPort(target, port);
            lines.add(new CdfSeries(name, done, clients.size()));
        }
        return lines;
    }

    static String plotTitle(StormResult r) {
        return "dsrlb storm: " + r.clients().size() + " clients, " + r.request().file() + ", " + r.completed()
                + " completed";
    }

    private String invalidArguments() {
        if (clients != null && clients < 1) {
            return "--clients must be at least 1";
        }
        return TftpArguments.problem(port, file, timeout, maxTime, retries, blksize, expectSize, expectSha256);
    }

    private int usageError(String message) {
        spec.commandLine().getErr().println("dsrlb storm: " + message);
        return Main.EXIT_USAGE;
    }

    /** The human report: one "what  figures" row a line, then the first failures. */
    static String table(StormResult r) {
        TftpRequest q = r.request();
        StringBuilder sb = new StringBuilder();
        sb.append("storm: ")
                .append(r.clients().size())
                .append(" clients, ")
                .append(q.file())
                .append(" from ")
                .append(targetsLine(r))
                .append(q.asksOptions() ? ", blksize " + q.blksize() : ", no options")
                .append(", timeout ")
                .append(ProbeCommand.seconds(q.timeout()))
                .append(" s x ")
                .append(q.retries())
                .append(" retries\n");
        row(sb, "clients", r.completed() + " completed, " + r.failed() + " failed");
        Percentiles p = r.completionTimes();
        row(
                sb,
                "completion time",
                p.isEmpty()
                        ? "- (no client completed)"
                        : "p50 " + s(p.percentile(50)) + ", p90 " + s(p.percentile(90)) + ", p99 " + s(p.percentile(99))
                                + ", max " + s(p.max()));
        row(sb, "storm time", s(r.wall()) + " (common start to the last client's end)");
        row(sb, "throughput", String.format(Locale.ROOT, "%.2f MiB/s, %d bytes", r.mibPerSecond(), r.bytes()));
        row(
                sb,
                "retransmissions",
                r.retransmissions() + " by the clients, " + r.duplicates() + " duplicate blocks from the server");
        row(sb, "sha256", sha256Line(r));
        if (r.failed() > 0) {
            row(
                    sb,
                    "failures",
                    r.failuresByKind().entrySet().stream()
                            .map(e -> e.getKey() + " " + e.getValue())
                            .collect(Collectors.joining(", ")));
            List<ClientResult> f = r.failures();
            f.stream()
                    .limit(FAILURES_SHOWN)
                    .forEach(c -> sb.append("  ")
                            .append(c.client())
                            .append(": ")
                            .append(c.reason())
                            .append('\n'));
            if (f.size() > FAILURES_SHOWN) {
                sb.append("  ... and ").append(f.size() - FAILURES_SHOWN).append(" more (--json has them all)\n");
            }
        }
        return sb.toString();
    }

    /** The target as address:port; several, each with its number of clients. */
    private static String targetsLine(StormResult r) {
        int port = r.request().port();
        if (r.targets().size() == 1) {
            return hostPort(r.targets().get(0), port);
        }
        return r.targets().stream()
                .map(t -> hostPort(t, port) + " (" + r.clientsOf(t).size() + " clients)")
                .collect(Collectors.joining(", "));
    }

    private static String sha256Line(StormResult r) {
        Set<String> hashes = r.distinctSha256();
        if (hashes.isEmpty()) {
            return "- (no client completed)";
        }
        if (hashes.size() > 1) {
            return hashes.size() + " different hashes among " + r.completed() + " completed clients";
        }
        return hashes.iterator().next()
                + (r.completed() == 1 ? " (1 client)" : " (all " + r.completed() + ")")
                + (r.request().expectedSha256() != null ? ", as expected" : "");
    }

    private static void row(StringBuilder sb, String what, String figures) {
        sb.append(String.format(Locale.ROOT, "%-17s%s%n", what, figures));
    }

    /** address:port, an IPv6 address in brackets (RFC 3986) so the port stays readable. */
    static String hostPort(InetAddress a, int port) {
        String h = a.getHostAddress();
        return (a instanceof Inet6Address ? "[" + h + "]" : h) + ":" + port;
    }

    private static String s(Duration d) {
        return ProbeCommand.seconds(d) + " s";
    }
}
