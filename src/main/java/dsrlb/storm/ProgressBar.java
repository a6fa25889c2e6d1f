package dsrlb.storm;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * One line on a terminal, redrawn in place with {@code \r} at most ten times a second while a
 * storm runs, and erased at the end so that only the report remains.
 */
public final class ProgressBar implements AutoCloseable {
    static final long PERIOD_MILLIS = 100;
    private static final int WIDTH = 20;

    private final Supplier<Progress> source;
    private final PrintWriter out;
    private final Thread thread;
    private int lastLength;
    private volatile boolean stopped;

    private ProgressBar(Supplier<Progress> source, PrintWriter out) {
        this.source = source;
        this.out = out;
        this.thread = new Thread(this::loop, "storm-progress");
        this.thread.setDaemon(true);
    }

    /** Starts redrawing {@code source}'s state on {@code out}. */
    public static ProgressBar start(Supplier<Progress> source, PrintWriter out) {
        ProgressBar b = new ProgressBar(Objects.requireNonNull(source), Objects.requireNonNull(out));
        b.thread.start();
        return b;
    }

    /**
     * True when this process's standard error is a terminal (Linux: /proc/self/fd/2 points to a
     * tty). {@code System.console()} asks about stdin and stdout, not stderr.
     */
    public static boolean stderrIsTerminal() {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
        } catch (Exception e) {
            return false;
        }
    }

    /** The line for one state, e.g. {@code [######--------------]  20 ok   1 failed  43 running   5.0 MiB   1.2 s}. */
    public static String render(Progress p) {
        int filled = p.clients() == 0 ? WIDTH : (int) ((long) p.finished() * WIDTH / p.clients());
        return "[" + "#".repeat(filled) + "-".repeat(WIDTH - filled) + "] "
                + String.format(
                        Locale.ROOT,
                        "%d/%d done: %d ok, %d failed, %d running, %.1f MiB, %.1f s",
                        p.finished(),
                        p.clients(),
                        p.completed(),
                        p.failed(),
                        p.running(),
                        p.bytes() / (1024.0 * 1024.0),
                        p.elapsedNanos() / 1e9);
    }

    private void loop() {
        while (!stopped) {
            draw(render(source.get()));
            try {
                Thread.sleep(PERIOD_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private synchronized void draw(String line) {
        if (stopped) {
            return;
        }
        // Pad over the remains of a longer previous line.
        out.print("\r" + line + " ".repeat(Math.max(0, lastLength - line.length())));
        out.flush();
        lastLength = line.length();
    }

    /** Stops redrawing and erases the line. */
    @Override
    public void close() {
        synchronized (this) {
            stopped = true;
            if (lastLength > 0) {
                out.print("\r" + " ".repeat(lastLength) + "\r");
                out.flush();
            }
        }
        thread.interrupt();
        try {
            thread.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
