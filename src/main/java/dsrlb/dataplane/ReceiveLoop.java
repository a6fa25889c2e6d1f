package dsrlb.dataplane;

import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The receive thread: pulls frames from the engine into one reused buffer and hands them over. */
public final class ReceiveLoop implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(ReceiveLoop.class);
    private static final int BUFFER_SIZE = 65_536;
    private static final long ERROR_BACKOFF_MILLIS = 1_000;

    private final PacketIo io;
    private final Forwarder forwarder;
    private final byte[] buffer = new byte[BUFFER_SIZE];
    private final int realtimePriority;
    private volatile boolean running = true;

    public ReceiveLoop(PacketIo io, Forwarder forwarder) {
        this(io, forwarder, 0);
    }

    /** @param realtimePriority SCHED_FIFO priority for the thread that runs this loop, 0 for none */
    public ReceiveLoop(PacketIo io, Forwarder forwarder, int realtimePriority) {
        this.io = io;
        this.forwarder = forwarder;
        this.realtimePriority = realtimePriority;
    }

    @Override
    public void run() {
        RealtimePriority.applyToCurrentThread(realtimePriority);
        while (running) {
            int n;
            try {
                n = io.receive(buffer);
            } catch (IOException e) {
                if (!running) {
                    break;
                }
                // An interface going down must not end forwarding: wait and try again.
                log.error("{}; retrying in {} ms", e.getMessage(), ERROR_BACKOFF_MILLIS);
                sleep();
                continue;
            }
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
