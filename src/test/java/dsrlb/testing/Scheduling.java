package dsrlb.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

/** What the kernel says about a thread's scheduling, and code run on a thread of its own. */
public final class Scheduling {
    public static final int SCHED_OTHER = 0;
    public static final int SCHED_FIFO = 1;

    private Scheduling() {}

    /** The policy the kernel reports for the calling thread: field 41 (policy) of /proc/thread-self/stat. */
    public static int policyOfCurrentThread() throws Exception {
        String stat = Files.readString(Path.of("/proc/thread-self/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ", -1);
        return Integer.parseInt(f[41 - 3]);
    }

    /** Whether this process may take SCHED_FIFO: CAP_SYS_NICE in its effective set. */
    public static boolean mayUseRealtime() throws Exception {
        for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (l.startsWith("CapEff:")) {
                return (Long.parseUnsignedLong(l.substring(7).strip(), 16) & (1L << 23)) != 0;
            }
        }
        return false;
    }

    /**
     * Runs {@code work} on a new thread and returns its result: a policy set there changes that
     * thread only, never the test runner's.
     */
    public static <T> T onOwnThread(Callable<T> work) throws Exception {
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<Exception> failure = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                result.set(work.call());
            } catch (Exception e) {
                failure.set(e);
            }
        });
        t.start();
        t.join();
        if (failure.get() != null) {
            throw failure.get();
        }
        return result.get();
    }
}
