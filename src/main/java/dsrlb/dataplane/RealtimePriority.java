package dsrlb.dataplane;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SCHED_FIFO for the receive thread. Every TFTP ACK waits for that thread, and on a busy box
 * (the clients' and servers' own work, GC threads) a normal-priority thread queues behind them.
 * Needs CAP_SYS_NICE or an RLIMIT_RTPRIO (systemd: CPUSchedulingPolicy=fifo); without either it
 * says so and runs as before.
 */
public final class RealtimePriority {
    private static final Logger log = LoggerFactory.getLogger(RealtimePriority.class);
    private static final int SCHED_OTHER = 0;
    private static final int SCHED_FIFO = 1;
    private static volatile boolean linked;

    private RealtimePriority() {}

    private static synchronized boolean link() {
        if (!linked) {
            try {
                Native.register(RealtimePriority.class, "c");
                linked = true;
            } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
                log.warn("real-time priority unavailable: {}", e.getMessage());
            }
        }
        return linked;
    }

    /**
     * Puts the calling thread under SCHED_FIFO at {@code priority} (1..99); 0 does nothing.
     *
     * @return whether the thread now runs with that priority
     */
    public static boolean applyToCurrentThread(int priority) {
        if (priority <= 0 || !link()) {
            return false;
        }
        try {
            // pid 0 is the calling thread (a Linux task), not the whole process.
            sched_setscheduler(0, SCHED_FIFO, new int[] {priority});
            log.info("{}: SCHED_FIFO priority {}", Thread.currentThread().getName(), priority);
            return true;
        } catch (LastErrorException e) {
            log.info(
                    "{}: SCHED_FIFO not permitted (errno {}); normal scheduling. Grant CAP_SYS_NICE or use "
                            + "--realtime-priority 0 to silence this",
                    Thread.currentThread().getName(),
                    e.getErrorCode());
            return false;
        }
    }

    /**
     * Runs {@code work} under normal scheduling on a thread that holds SCHED_FIFO at {@code
     * priority}, then takes the priority back. For a thread whose short, frequent work must start
     * the moment it is woken but which also does long work now and then: the long work must not
     * hold a CPU against the kernel's softirq threads and everything else of normal priority.
     * Giving SCHED_FIFO up is always permitted; taking it back is what was permitted at the
     * start (CAP_SYS_NICE or RLIMIT_RTPRIO), and if that is gone the thread stays normal.
     *
     * @return whether the thread holds SCHED_FIFO again afterwards
     */
    public static boolean runNormally(int priority, Runnable work) {
        try {
            sched_setscheduler(0, SCHED_OTHER, new int[] {0});
        } catch (LastErrorException e) {
            work.run();
            return true;
        }
        try {
            work.run();
        } catch (RuntimeException | Error e) {
            takeBack(priority);
            throw e;
        }
        return takeBack(priority);
    }

    private static boolean takeBack(int priority) {
        try {
            sched_setscheduler(0, SCHED_FIFO, new int[] {priority});
            return true;
        } catch (LastErrorException e) {
            log.warn(
                    "{}: SCHED_FIFO could not be taken back (errno {}); normal scheduling from now on",
                    Thread.currentThread().getName(),
                    e.getErrorCode());
            return false;
        }
    }

    private static native int sched_setscheduler(int pid, int policy, int[] param) throws LastErrorException;
}
