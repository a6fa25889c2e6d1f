package dsrlb.plot;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the result files lab/bench keeps into series, pooling several files into one series
 * (a mode's rounds). Formats:
 *
 * <ul>
 *   <li>for a CDF: a {@code dsrlb storm --json} document (each of its "results" has "ok" and
 *       "seconds"), or text with one member a line, {@code SECONDS} or {@code SECONDS ok} for
 *       one that finished, {@code SECONDS failed} for one that did not;
 *   <li>for points: text with {@code X Y} a line.
 * </ul>
 *
 * In text, blank lines and lines starting with {@code #} are skipped. A malformed file is an
 * {@link IllegalArgumentException} naming the file and line.
 */
public final class PlotData {
    private static final ObjectMapper JSON = new ObjectMapper();

    private PlotData() {}

    /** One CDF series from the members of all {@code files}. */
    public static CdfSeries cdf(String name, List<Path> files) throws IOException {
        List<Double> done = new ArrayList<>();
        int total = 0;
        for (Path f : files) {
            String text = Files.readString(f, StandardCharsets.UTF_8);
            total += text.stripLeading().startsWith("{") ? stormJson(f, text, done) : cdfText(f, text, done);
        }
        return new CdfSeries(name, done, total);
    }

    /** One line of points: those of all {@code files}, in order. */
    public static XySeries points(String name, List<Path> files) throws IOException {
        List<XySeries.Point> points = new ArrayList<>();
        for (Path f : files) {
            List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size(); i++) {
                String[] w = words(lines.get(i));
                if (w == null) {
                    continue;
                }
                if (w.length != 2) {
                    throw bad(f, i, "expected 'X Y', got: " + lines.get(i).strip());
                }
                points.add(new XySeries.Point(number(f, i, w[0]), number(f, i, w[1])));
            }
        }
        return new XySeries(name, points);
    }

    /** Adds the completed clients' seconds; returns how many clients the document has. */
    private static int stormJson(Path f, String text, List<Double> done) {
        JsonNode results;
        try {
            results = JSON.readTree(text).path("results");
        } catch (JacksonException e) {
            throw new IllegalArgumentException(f + ": not JSON: " + e.getOriginalMessage(), e);
        }
        if (!results.isArray()) {
            throw new IllegalArgumentException(f + ": no \"results\" array (not dsrlb storm --json output)");
        }
        for (JsonNode c : results) {
            JsonNode seconds = c.path("seconds");
            if (!c.path("ok").isBoolean() || !seconds.isNumber()) {
                throw new IllegalArgumentException(f + ": a result without \"ok\" and \"seconds\": " + c);
            }
            if (c.path("ok").booleanValue()) {
                done.add(seconds.doubleValue());
            }
        }
        return results.size();
    }

    private static int cdfText(Path f, String text, List<Double> done) {
        List<String> lines = text.lines().toList();
        int total = 0;
        for (int i = 0; i < lines.size(); i++) {
            String[] w = words(lines.get(i));
            if (w == null) {
                continue;
            }
            if (w.length > 2 || (w.length == 2 && !w[1].equals("ok") && !w[1].equals("failed"))) {
                throw bad(
                        f,
                        i,
                        "expected 'SECONDS [ok|failed]', got: " + lines.get(i).strip());
            }
            double s = number(f, i, w[0]);
            total++;
            if (w.length == 1 || w[1].equals("ok")) {
                done.add(s);
            }
        }
        return total;
    }

    /** The words of a line, or null for a blank line or a comment. */
    private static String[] words(String line) {
        String s = line.strip();
        return s.isEmpty() || s.startsWith("#") ? null : s.split("\\s+");
    }

    private static double number(Path f, int line, String word) {
        try {
            double d = Double.parseDouble(word);
            if (Double.isFinite(d) && d >= 0) {
                return d;
            }
        } catch (NumberFormatException e) {
            // the message below says what was wrong
        }
        throw bad(f, line, "not a number >= 0: " + word);
    }

    private static IllegalArgumentException bad(Path f, int line, String what) {
        return new IllegalArgumentException(f + " line " + (line + 1) + ": " + what);
    }
}
