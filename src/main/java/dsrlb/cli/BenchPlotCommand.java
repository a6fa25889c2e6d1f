package dsrlb.cli;

import dsrlb.plot.CdfSeries;
import dsrlb.plot.PlotData;
import dsrlb.plot.SvgCharts;
import dsrlb.plot.XySeries;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** lab/bench's figures: an SVG chart from result files it kept (storm JSON, zero-loss steps). */
@Command(
        name = "plot",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Draws one SVG chart (JFreeChart) from result files, one --series a line in the legend; lab/bench"
                    + " draws BENCHMARKS.md's figures with it.",
            "--kind cdf: the fraction of members done against seconds. A file is dsrlb storm --json output (its"
                    + " clients), or text with one member a line: 'SECONDS', 'SECONDS ok' or 'SECONDS failed'."
                    + " Failed members count as not done, so their line ends below 1.",
            "--kind lines: points joined in file order, text with 'X Y' a line (numbers >= 0); --diagonal adds"
                    + " the line y = x, e.g. delivered = offered.",
            "Several files after one NAME are pooled (a mode's rounds). Blank lines and lines starting with #"
                    + " are skipped."
        },
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:the chart was written", "1:it could not be drawn (no fonts)", "2:bad arguments or input"})
final class BenchPlotCommand implements Callable<Integer> {
    /** What the chart shows. */
    enum Kind {
        cdf,
        lines
    }

    @Option(names = "--kind", required = true, paramLabel = "cdf|lines", description = "The chart: cdf or lines.")
    Kind kind;

    @Option(names = "--output", required = true, paramLabel = "FILE.svg", description = "Where to write the SVG.")
    Path output;

    @Option(names = "--title", required = true, paramLabel = "TEXT", description = "The chart's title.")
    String title;

    @Option(names = "--x-label", paramLabel = "TEXT", description = "Default: 'seconds per client' (cdf), 'x' (lines).")
    String xLabel;

    @Option(
            names = "--y-label",
            paramLabel = "TEXT",
            description = "Default: 'fraction of clients done' (cdf), 'y' (lines).")
    String yLabel;

    @Option(
            names = "--diagonal",
            paramLabel = "LABEL",
            description = "--kind lines: also draw y = x, named LABEL in the legend.")
    String diagonal;

    @Option(
            names = "--series",
            required = true,
            paramLabel = "NAME=FILE[,FILE...]",
            description = "One line of the chart, from these files; repeatable, drawn in order.")
    List<String> series;

    @Option(
            names = "--colours",
            split = ",",
            paramLabel = "NAME[,NAME...]",
            description = "Give each NAME the colour of its place in this list, so that a mode keeps its colour"
                    + " in every chart (default: the --series order).")
    List<String> colours = List.of();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        String unwritable = SvgCharts.unwritable(output);
        if (unwritable != null) {
            return usageError("--output " + output + ": " + unwritable);
        }
        if (diagonal != null && kind != Kind.lines) {
            return usageError("--diagonal is for --kind lines");
        }
        String svg;
        try {
            List<CdfSeries> cdfs = new ArrayList<>();
            List<XySeries> lines = new ArrayList<>();
            for (String s : series) {
                int eq = s.indexOf('=');
                if (eq < 1 || eq == s.length() - 1) {
                    return usageError("--series " + s + ": expected NAME=FILE[,FILE...]");
                }
                String name = s.substring(0, eq);
                List<Path> files = new ArrayList<>();
                for (String f : s.substring(eq + 1).split(",", -1)) {
                    if (f.isEmpty()) {
                        return usageError("--series " + s + ": an empty file name");
                    }
                    files.add(Path.of(f));
                }
                if (kind == Kind.cdf) {
                    cdfs.add(PlotData.cdf(name, files));
                } else {
                    lines.add(PlotData.points(name, files));
                }
            }
            svg = kind == Kind.cdf
                    ? SvgCharts.cdf(
                            title,
                            xLabel != null ? xLabel : "seconds per client",
                            yLabel != null ? yLabel : "fraction of clients done",
                            cdfs,
                            colours)
                    : SvgCharts.lines(
                            title,
                            xLabel != null ? xLabel : "x",
                            yLabel != null ? yLabel : "y",
                            lines,
                            diagonal,
                            colours);
        } catch (NoSuchFileException e) {
            return usageError("no such file: " + e.getFile());
        } catch (IOException e) {
            return usageError("cannot read " + e.getMessage());
        } catch (IllegalArgumentException e) {
            return usageError(e.getMessage());
        } catch (IllegalStateException e) {
            err.println("dsrlb bench plot: " + e.getMessage());
            return Main.EXIT_RUNTIME;
        }
        try {
            SvgCharts.write(output, svg);
        } catch (IOException e) {
            err.println("dsrlb bench plot: cannot write " + output + ": " + e);
            return Main.EXIT_RUNTIME;
        }
        return 0;
    }

    private int usageError(String message) {
        spec.commandLine().getErr().println("dsrlb bench plot: " + message);
        return Main.EXIT_USAGE;
    }
}
