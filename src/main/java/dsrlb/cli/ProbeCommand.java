package dsrlb.cli;

import dsrlb.status.Json;
import dsrlb.tftp.TftpClient;
import dsrlb.tftp.TftpDiagnosis;
import dsrlb.tftp.TftpRequest;
import dsrlb.tftp.TftpResult;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Stack;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.IParameterPreprocessor;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * eG's "TFTP Performance Test" as a command: downloads a file for real and reports availability
 * and response time, with a detailed diagnosis when the download fails.
 */
@Command(
        name = "probe",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        preprocessor = ProbeCommand.NagiosExitCodes.class,
        description = {
            "Download a file over TFTP and report, per run: time, host, port, file, availability (100 %% or 0 %%),"
                    + " response time in seconds (RRQ sent to last ACK sent) and bytes; when unavailable, the"
                    + " stage reached, the last block, the reason and a packet trace.",
            "Runs once unless --count says otherwise; --period is the time from one run's start to the next's.",
            "Durations: 30s, 500ms, 2m, or plain (decimal) seconds."
        },
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {
            "0:every run was available",
            "1:at least one run was unavailable",
            "2:bad arguments",
            "With --nagios:0 OK, 1 WARNING (response time above --warning), 2 CRITICAL (unavailable, or above"
                    + " --critical), 3 UNKNOWN (bad arguments); with --count, the worst run's status."
        })
final class ProbeCommand implements Callable<Integer> {
    static final int NAGIOS_OK = 0;
    static final int NAGIOS_WARNING = 1;
    static final int NAGIOS_CRITICAL = 2;
    static final int NAGIOS_UNKNOWN = 3;

    @Option(names = "--host", required = true, paramLabel = "HOST", description = "TFTP server, name or address.")
    String host;

    @Option(names = "--port", defaultValue = "69", paramLabel = "PORT", description = "Default: ${DEFAULT-VALUE}.")
    int port;

    @Option(
            names = "--file",
            defaultValue = "ARDBP32.BIN",
            paramLabel = "FILE",
            description = "Default: ${DEFAULT-VALUE}.")
    String file;

    @Option(
            names = "--period",
            defaultValue = "30s",
            converter = DurationConverter.class,
            paramLabel = "DURATION",
            description = "Between the starts of two runs (default: ${DEFAULT-VALUE}).")
    Duration period;

    @Option(names = "--count", defaultValue = "1", paramLabel = "N", description = "Runs (default: ${DEFAULT-VALUE}).")
    int count;

    @Option(
            names = "--timeout",
            defaultValue = "2s",
            converter = DurationConverter.class,
            paramLabel = "DURATION",
            description = "Wait for each answer this long before sending again (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(
            names = "--retries",
            defaultValue = "3",
            paramLabel = "N",
            description = "Send a packet again this many times before giving up (default: ${DEFAULT-VALUE}).")
    int retries;

    @Option(
            names = "--max-time",
            converter = DurationConverter.class,
            paramLabel = "DURATION",
            description = "Fail a run that has not finished after this long (default: no limit).")
    Duration maxTime;

    @Option(
            names = "--blksize",
            defaultValue = "" + TftpRequest.DEFAULT_BLKSIZE,
            paramLabel = "BYTES",
            description = "RFC 2348 block size to ask, with tsize; 0 asks no options (default: ${DEFAULT-VALUE}).")
    int blksize;

    @Option(names = "--expect-size", paramLabel = "BYTES", description = "Unavailable unless the file has this size.")
    Long expectSize;

    @Option(
            names = "--expect-sha256",
            paramLabel = "HEX",
            description = "Unavailable unless the file has this SHA-256.")
    String expectSha256;

    @Option(names = "--source", paramLabel = "ADDRESS", description = "Local address to send from.")
    String source;

    @Option(names = "--json", description = "One JSON object per run, one a line.")
    boolean json;

    @Option(names = "--nagios", description = "One monitoring-plugins line per run with perfdata; exit 0/1/2/3.")
    boolean nagios;

    @Option(
            names = "--warning",
            converter = DurationConverter.class,
            paramLabel = "DURATION",
            description = "--nagios: WARNING when the response time is above this.")
    Duration warning;

    @Option(
            names = "--critical",
            converter = DurationConverter.class,
            paramLabel = "DURATION",
            description = "--nagios: CRITICAL when the response time is above this.")
    Duration critical;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        String bad = invalidArguments();
        if (bad != null) {
            return usageError(bad);
        }
        TftpRequest request;
        try {
            request = request();
        } catch (UnknownHostException e) {
            return usageError("cannot resolve " + e.getMessage());
        }
        boolean allAvailable = true;
        int worstNagios = NAGIOS_OK;
        long nextStart = System.nanoTime();
        for (int run = 0; run < count; run++) {
            if (run > 0 && !sleepUntil(nextStart)) {
                break;
            }
            nextStart = System.nanoTime() + period.toNanos();
            Instant time = Instant.now().truncatedTo(ChronoUnit.MILLIS);
            TftpResult r = TftpClient.download(request);
            allAvailable &= r.success();
            if (nagios) {
                int status = nagiosStatus(r);
                worstNagios = Math.max(worstNagios, status);
                out.println(nagiosLine(r, status));
            } else if (json) {
                out.println(jsonLine(time, r));
            } else {
                out.print(humanLines(time, r));
            }
            out.flush();
        }
        if (nagios) {
            return worstNagios;
        }
        return allAvailable ? 0 : Main.EXIT_RUNTIME;
    }

    private String invalidArguments() {
        if (json && nagios) {
            return "--json and --nagios exclude each other";
        }
        if (!nagios && (warning != null || critical != null)) {
            return "--warning and --critical need --nagios";
        }
        if (warning != null && critical != null && warning.compareTo(critical) > 0) {
            return "--warning must not be above --critical";
        }
        if (count < 1) {
            return "--count must be at least 1";
        }
        return TftpArguments.problem(port, file, timeout, maxTime, retries, blksize, expectSize, expectSha256);
    }

    private TftpRequest request() throws UnknownHostException {
        return new TftpRequest(
                InetAddress.getByName(host),
                port,
                file,
                blksize,
                timeout,
                retries,
                maxTime,
                expectSize == null ? OptionalLong.empty() : OptionalLong.of(expectSize),
                expectSha256,
                source == null ? null : InetAddress.getByName(source));
    }

    private int usageError(String message) {
        if (nagios) {
            spec.commandLine().getOut().println("TFTP UNKNOWN - " + message);
            spec.commandLine().getOut().flush();
            return NAGIOS_UNKNOWN;
        }
        spec.commandLine().getErr().println("dsrlb probe: " + message);
        return Main.EXIT_USAGE;
    }

    /** False when interrupted: stop running, report what was run. */
    private static boolean sleepUntil(long nanoTime) {
        try {
            long wait;
            while ((wait = nanoTime - System.nanoTime()) > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    String humanLines(Instant time, TftpResult r) {
        StringBuilder sb = new StringBuilder();
        sb.append(time)
                .append(" host ")
                .append(host)
                .append(" port ")
                .append(port)
                .append(" file ")
                .append(file)
                .append(" availability ")
                .append(r.success() ? 100 : 0)
                .append(" %")
                .append(" response time ")
                .append(seconds(r.elapsed()))
                .append(" s")
                .append(" bytes ")
                .append(r.bytes())
                .append('\n');
        TftpDiagnosis d = r.diagnosis();
        if (d != null) {
            sb.append("  diagnosis: ").append(d.reason()).append('\n');
            sb.append("  kind ")
                    .append(d.kind())
                    .append(", stage ")
                    .append(d.stage())
                    .append(", last block ")
                    .append(d.lastBlock())
                    .append(", ")
                    .append(r.serverTid() == null ? "no answer" : "answered from " + address(r.serverTid()))
                    .append('\n');
            if (!d.trace().isEmpty()) {
                sb.append("  trace:\n");
                d.trace().forEach(l -> sb.append("    ").append(l).append('\n'));
            }
        }
        return sb.toString();
    }

    String jsonLine(Instant time, TftpResult r) {
        return Json.write(ProbeRun.of(time, host, port, file, r));
    }

    int nagiosStatus(TftpResult r) {
        if (!r.success() || (critical != null && r.elapsed().compareTo(critical) > 0)) {
            return NAGIOS_CRITICAL;
        }
        return warning != null && r.elapsed().compareTo(warning) > 0 ? NAGIOS_WARNING : NAGIOS_OK;
    }

    String nagiosLine(TftpResult r, int status) {
        String label = List.of("OK", "WARNING", "CRITICAL", "UNKNOWN").get(status);
        String text;
        if (r.success()) {
            text = r.bytes() + " bytes in " + seconds(r.elapsed()) + " s";
            Duration threshold = status == NAGIOS_CRITICAL ? critical : status == NAGIOS_WARNING ? warning : null;
            if (threshold != null) {
                text += ", above " + seconds(threshold) + " s";
            }
        } else {
            TftpDiagnosis d = r.diagnosis();
            text = file + " from " + host + ":" + port + ": " + d.reason() + " (" + d.stage() + ", last block "
                    + d.lastBlock() + ")";
        }
        // '|' starts the performance data; a reason must not end the text early.
        return "TFTP " + label + " - " + text.replace('|', '/') + "|time=" + seconds(r.elapsed()) + "s;"
                + (warning == null ? "" : seconds(warning)) + ";" + (critical == null ? "" : seconds(critical))
                + ";0 size=" + r.bytes() + "B;;;0";
    }

    static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.3f", d.toNanos() / 1e9);
    }

    static String address(InetSocketAddress a) {
        return a.getAddress().getHostAddress() + ":" + a.getPort();
    }

    /** {@code 30s}, {@code 500ms}, {@code 2m}, or plain seconds such as {@code 1.5}. */
    static final class DurationConverter implements ITypeConverter<Duration> {
        private static final Pattern FORMAT = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m)?");

        @Override
        public Duration convert(String value) {
            Matcher m = FORMAT.matcher(value.trim());
            if (!m.matches()) {
                throw new TypeConversionException("'" + value + "' is not a duration (30s, 500ms, 2m or seconds)");
            }
            double n = Double.parseDouble(m.group(1));
            String unit = m.group(2) == null ? "s" : m.group(2);
            double millis = switch (unit) {
                case "ms" -> n;
                case "m" -> n * 60_000;
                default -> n * 1000;
            };
            if (millis > Integer.MAX_VALUE) {
                throw new TypeConversionException("'" + value + "' is too long");
            }
            return Duration.ofNanos(Math.round(millis * 1_000_000));
        }
    }

    /**
     * Makes picocli's own argument errors exit 3 (UNKNOWN) under --nagios, 2 otherwise: it runs
     * when "probe" is matched, before the options are parsed and validated.
     */
    static final class NagiosExitCodes implements IParameterPreprocessor {
        @Override
        public boolean preprocess(
                Stack<String> args, CommandSpec commandSpec, ArgSpec argSpec, Map<String, Object> info) {
            boolean nagios = args.stream().anyMatch(a -> a.equals("--nagios") || a.startsWith("--nagios="));
            commandSpec.exitCodeOnInvalidInput(nagios ? NAGIOS_UNKNOWN : Main.EXIT_USAGE);
            return false;
        }
    }
}
