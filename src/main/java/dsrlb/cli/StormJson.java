package dsrlb.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.util.MinimalPrettyPrinter;
import dsrlb.status.Json;
import dsrlb.storm.ClientResult;
import dsrlb.storm.Percentiles;
import dsrlb.storm.StormResult;
import dsrlb.tftp.TftpRequest;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code storm --json}: field names, order and decimals are what scripts and the lab tests read. */
final class StormJson {
    private StormJson() {}

    /** One JSON document: the summary, then "results" with one client a line. */
    static String document(StormResult r) {
        TftpRequest q = r.request();
        Percentiles p = r.completionTimes();
        Map<String, Integer> byKind = new LinkedHashMap<>();
        r.failuresByKind().forEach((kind, n) -> byKind.put(kind.name(), n));
        // One target: the document as before there could be several (scripts read it).
        boolean several = r.targets().size() > 1;
        List<ClientLine> results = new ArrayList<>(r.clients().size());
        for (ClientResult c : r.clients()) {
            results.add(new ClientLine(
                    c.client(),
                    several ? c.target().getHostAddress() : null,
                    c.ok(),
                    seconds(c.completion()),
                    seconds(c.transfer()),
                    c.bytes(),
                    c.retransmissions(),
                    c.duplicates(),
                    c.sha256(),
                    c.kind() == null ? null : c.kind().name(),
                    c.reason()));
        }
        Document d = new Document(
                q.server().getHostAddress(),
                several ? r.targets().stream().map(InetAddress::getHostAddress).toList() : null,
                q.port(),
                q.file(),
                q.blksize(),
                seconds(q.timeout()),
                q.retries(),
                seconds(r.maxTime()),
                q.expectedSize().isPresent() ? q.expectedSize().getAsLong() : null,
                q.expectedSha256(),
                r.clients().size(),
                r.completed(),
                r.failed(),
                seconds(r.wall()),
                r.started().toString(),
                p.isEmpty()
                        ? null
                        : new Completion(
                                seconds(p.percentile(50)),
                                seconds(p.percentile(90)),
                                seconds(p.percentile(99)),
                                seconds(p.max())),
                r.bytes(),
                new BigDecimal(String.format(Locale.ROOT, "%.2f", r.mibPerSecond())),
                r.retransmissions(),
                r.duplicates(),
                byKind,
                results);
        return Json.write(d, new ClientPerLine()) + "\n";
    }

    private static BigDecimal seconds(Duration d) {
        return Json.seconds(d, 3);
    }

    /** The summary, then every client's result, in the order scripts read them. */
    private record Document(
            String target,
            @JsonInclude(JsonInclude.Include.NON_NULL) List<String> targets,
            int port,
            String file,
            int blksize,
            BigDecimal timeoutSeconds,
            int retries,
            BigDecimal maxTimeSeconds,
            Long expectSize,
            String expectSha256,
            int clients,
            int completed,
            int failed,
            BigDecimal stormSeconds,
            String startedAt,
            Completion completionSeconds,
            long bytes,
            BigDecimal mibPerSecond,
            long retransmissions,
            long duplicates,
            Map<String, Integer> failuresByKind,
            List<ClientLine> results) {}

    /** Null when no client completed. */
    private record Completion(BigDecimal p50, BigDecimal p90, BigDecimal p99, BigDecimal max) {}

    private record ClientLine(
            String client,
            @JsonInclude(JsonInclude.Include.NON_NULL) String target,
            boolean ok,
            BigDecimal seconds,
            BigDecimal transferSeconds,
            long bytes,
            int retransmissions,
            int duplicates,
            String sha256,
            String kind,
            String reason) {}

    /** Compact, but the results array has one client a line, for grep and diff. */
    private static final class ClientPerLine extends MinimalPrettyPrinter {
        private static final long serialVersionUID = 1L;

        @Override
        public void writeStartArray(JsonGenerator g) throws IOException {
            g.writeRaw(isResults(g) ? "[\n" : "[");
        }

        @Override
        public void writeArrayValueSeparator(JsonGenerator g) throws IOException {
            g.writeRaw(isResults(g) ? ",\n" : ",");
        }

        @Override
        public void writeEndArray(JsonGenerator g, int values) throws IOException {
            g.writeRaw(isResults(g) ? "\n]" : "]");
        }

        /** Whether the array being written is "results" (the generator is in its context then). */
        private static boolean isResults(JsonGenerator g) {
            JsonStreamContext array = g.getOutputContext();
            return array.getParent() != null
                    && "results".equals(array.getParent().getCurrentName());
        }
    }
}
