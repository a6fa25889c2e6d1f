package dsrlb.dataplane;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The receive thread: pulls frames from the engine into one reused buffer and hands them over.
 * {@link #progress()} says whether it is alive and well, which feeds systemd's watchdog
 * (daemon/SystemdSupervision): an idle pcap handle in immediate mode may wait in receive for as
 * long as no frame comes, so waiting there counts as well; standing still anywhere else does not.
 */
public final class ReceiveLoop implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(ReceiveLoop.class);
    private static final int BUFFER_SIZE = 65_536;
    private static final long ERROR_BACKOFF_MILLIS = 1_000;

    private final PacketIo io;
    private final Forwarder forwarder;
    private final byte[] buffer = new byte[BUFFER_SIZE];
    private final int realtimePriority;
    private final Consumer<Throwable> onDeath;
    /** Odd while waiting in receive, even while handling; moves on every step. */
    private final AtomicLong steps = new AtomicLong();

    private volatile Thread runner;
    private volatile boolean running = true;

    public ReceiveLoop(PacketIo io, Forwarder forwarder) {
        this(io, forwarder, 0, e -> {});
    }

    /**
     * @param realtimePriority SCHED_FIFO priority for the thread that runs this loop, 0 for none
     * @param onDeath told when something the loop cannot survive (an Error, e.g. OutOfMemoryError)
     *     ends it: without this thread nothing is forwarded, so the daemon must not look healthy
     */
    public ReceiveLoop(PacketIo io, Forwarder forwarder, int realtimePriority, Consumer<Throwable> onDeath) {
        this.io = io;
        this.forwarder = forwarder;
        this.realtimePriority = realtimePriority;
        this.onDeath = onDeath;
    }

    @Override
    public void run() {
        runner = Thread.currentThread();
        try {
            RealtimePriority.applyToCurrentThread(realtimePriority);
            loop();
        } catch (Throwable e) {
            log.error("receive thread died: {}; dsrlb forwards nothing any more and stops", e.toString(), e);
            onDeath.accept(e);
        }
    }

    private void loop() {
        while (running) {
            // Release stores, no fence: the watchdog only needs to see them, not at once.
            steps.lazySet(steps.get() + 1);
            int n;
            try {
                n = io.receive(buffer);
            } catch (IOException e) {
                steps.lazySet(steps.get() + 1);
                if (!running) {
                    break;
                }
                // An interface going down must not end forwarding: wait and try again.
                log.error("{}; retrying in {} ms", e.getMessage(), ERROR_BACKOFF_MILLIS);
                sleep();
                continue;
            }
            steps.lazySet(steps.get() + 1);
            if (n > 0) {
                try {
                    forwarder.handle(buffer, n);
                } catch (RuntimeException e) {
                    // A frame we failed to foresee must cost one frame, never the forwarder.
                    log.error("frame of {} bytes dropped by an unexpected error", n, e);
                }
            }
        }
    }

    /**
     * A mark that changes while the loop makes progress; {@link #healthy} compares two of them.
     * Never negative.
     */
    public long progress() {
        return steps.get();
    }

    /**
     * Whether the loop is alive and well, given the mark of a while ago: it moved since, or it
     * has been waiting for frames in receive all along (an idle LAN). Standing still while
     * handling a frame, or a thread that is gone, is not.
     */
    public boolean healthy(long earlier) {
        Thread t = runner;
        if (t == null || !t.isAlive()) {
            return false;
        }
        long now = steps.get();
        return now != earlier || (now & 1) == 1;
    }

    public void stop() {
        running = false;
    }

    private void sleep() {
        try {
            Thread.sleep(ERROR_BACKOFF_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }
}
