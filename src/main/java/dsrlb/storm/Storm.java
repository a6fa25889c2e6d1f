package dsrlb.storm;

import dsrlb.tftp.DatagramSender;
import dsrlb.tftp.FailureKind;
import dsrlb.tftp.TftpClient;
import dsrlb.tftp.TftpRequest;
import dsrlb.tftp.TftpResult;
import dsrlb.tftp.TftpTransfer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * A boot storm: one TFTP client per source address, each on its own thread with its socket bound
 * to that address, all let go at the same instant (after every socket is bound), all fetching
 * the same file. Bounded in count ({@link #MAX_CLIENTS}) and in time: each client gives up
 * after {@code maxTime} by itself, and whatever still runs shortly after is stopped.
 *
 * <p>With several targets the clients take them in turn ({@link #targetOf}): one process can
 * then storm both backends directly, as lab/bench's direct arm does, instead of one storm process
 * per backend, or storm several paths at once (lab/bench's paired storm).
 *
 * <p>Runs once. {@link #progress()} may be called from any thread while it runs.
 */
public final class Storm {
    /** One platform thread per client; this keeps the thread count sane on any box. */
    public static final int MAX_CLIENTS = 1024;
    /** After maxTime, how long clients get to end by their own total timeout before being stopped. */
    private static final Duration GRACE = Duration.ofSeconds(2);

    private static final Duration BIND_WAIT = Duration.ofSeconds(30);
    private static final long THREAD_STACK = 256 * 1024;

    private final TftpRequest request;
    private final List<InetAddress> targets;
    private final List<InetAddress> sources;
    private final Duration maxTime;

    private final AtomicInteger running = new AtomicInteger();
    private final AtomicInteger completed = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final LongAdder bytes = new LongAdder();
    private volatile long startNanos;
    private volatile boolean ran;

    /** Every client fetches from {@code request.server()}. */
    public Storm(TftpRequest request, List<? extends InetAddress> sources, Duration maxTime) {
        this(request, List.of(request.server()), sources, maxTime);
    }

    /**
     * @param request what each client asks; its server, local address and total timeout are
     *        replaced per client (its target, its source, and {@code maxTime})
     * @param targets the servers, distinct, at most one per client: client i of n fetches from
     *        {@code targets.get(targetOf(i, n, targets.size()))}
     * @param sources one client per address, 1..{@link #MAX_CLIENTS}
     * @param maxTime the bound of the whole storm
     */
    public Storm(
            TftpRequest request,
            List<? extends InetAddress> targets,
            List<? extends InetAddress> sources,
            Duration maxTime) {
        this.targets = List.copyOf(targets);
        this.sources = List.copyOf(sources);
        if (this.targets.isEmpty()) {
            throw new IllegalArgumentException("a storm has a target");
        }
        this.request = Objects.requireNonNull(request, "request").withServer(this.targets.get(0));
        this.maxTime = Objects.requireNonNull(maxTime, "maxTime");
        if (this.sources.isEmpty() || this.sources.size() > MAX_CLIENTS) {
            throw new IllegalArgumentException("a storm has 1.." + MAX_CLIENTS + " clients: " + this.sources.size());
        }
        if (this.targets.size() > this.sources.size()) {
            // A target without a client would be named in the report with nothing measured.
            throw new IllegalArgumentException(
                    this.targets.size() + " targets for " + this.sources.size() + " clients: each needs a client");
        }
        if (Set.copyOf(this.targets).size() != this.targets.size()) {
            throw new IllegalArgumentException("a target is listed twice: " + this.targets);
        }
        if (maxTime.isNegative() || maxTime.isZero()) {
            throw new IllegalArgumentException("maxTime must be positive: " + maxTime);
        }
    }

    /**
     * The target of client {@code client} of {@code clients}: they take the {@code targets} in
     * turn, {@code client % targets}. Not in blocks: the clients, all let go at once, start in list
     * order on a busy box, the last ones up to seconds after the first (measured in lab/bench's
     * paired storm: a 200-client storm's last quarter sent its read request 1.7 s after the
     * start), so a block at the end of the list would wait longer whatever its target.
     */
    public static int targetOf(int client, int clients, int targets) {
        if (clients < 1 || targets < 1 || client < 0 || client >= clients) {
            throw new IllegalArgumentException("client " + client + " of " + clients + " over " + targets + " targets");
        }
        return client % targets;
    }

    public Progress progress() {
        long start = startNanos;
        return new Progress(
                sources.size(),
                running.get(),
                completed.get(),
                failed.get(),
                bytes.sum(),
                start == 0 ? 0 : System.nanoTime() - start);
    }

    /** Binds every client, lets them all go at once and waits for the last (at most about maxTime). */
    public StormResult run() throws InterruptedException {
        synchronized (this) {
            if (ran) {
                throw new IllegalStateException("a Storm runs once");
            }
            ran = true;
        }
        int n = sources.size();
        AtomicReferenceArray<TftpTransfer> transfers = new AtomicReferenceArray<>(n);
        CountDownLatch bound = new CountDownLatch(n);
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(n, threads());
        List<Future<ClientResult>> futures = new ArrayList<>(n);
        try {
            for (int i = 0; i < n; i++) {
                int index = i;
                futures.add(pool.submit(() -> client(index, transfers, bound, go)));
            }
            pool.shutdown();
            // Binding is quick; a client that has not bound by then starts late rather than never.
            bound.await(BIND_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            long start = System.nanoTime();
            // The wall clock too: a script lines the storm up with what it sampled meanwhile.
            Instant started = Instant.now();
            startNanos = start;
            go.countDown();

            boolean abandoned = !pool.awaitTermination(maxTime.plus(GRACE).toNanos(), TimeUnit.NANOSECONDS);
            if (abandoned) {
                // Clients that have not ended by their own total timeout: closing the socket ends
                // their receive at once.
                for (int i = 0; i < n; i++) {
                    TftpTransfer t = transfers.get(i);
                    if (t != null) {
                        t.close();
                    }
                }
                pool.awaitTermination(GRACE.toNanos(), TimeUnit.NANOSECONDS);
            }
            List<ClientResult> results = new ArrayList<>(n);
            long wall = 0;
            for (int i = 0; i < n; i++) {
                ClientResult r = collect(futures.get(i), i, start, abandoned);
                results.add(r);
                wall = Math.max(wall, r.completion().toNanos());
            }
            return new StormResult(request, targets, maxTime, results, started, Duration.ofNanos(wall));
        } finally {
            go.countDown();
            pool.shutdownNow();
        }
    }

    private ClientResult client(
            int index, AtomicReferenceArray<TftpTransfer> transfers, CountDownLatch bound, CountDownLatch go)
            throws InterruptedException {
        InetAddress source = sources.get(index);
        InetAddress target = targetAddress(index);
        TftpRequest r = request.withServer(target).withLocalAddress(source).withTotalTimeout(maxTime);
        TftpTransfer t;
        try {
            t = TftpClient.open(r);
        } catch (IOException e) {
            bound.countDown();
            failed.incrementAndGet();
            return new ClientResult(
                    source,
                    target,
                    Duration.ZERO,
                    Duration.ZERO,
                    0,
                    0,
                    0,
                    null,
                    FailureKind.IO_ERROR,
                    "cannot bind a UDP socket to " + source.getHostAddress() + ": " + e.getMessage());
        }
        try (t) {
            transfers.set(index, t);
            bound.countDown();
            go.await();
            running.incrementAndGet();
            TftpResult result;
            try {
                // Through a sender of our own rather than the socket's: the download then skips its
                // ICMP check after a lost first reply, which would hold the client up to another
                // second before it sends the RRQ again. PXE firmware just sends again.
                DatagramSender socket = t.socketSender();
                result = t.run((data, length, to) -> socket.send(data, length, to), new Counter(bytes));
            } finally {
                running.decrementAndGet();
            }
            Duration completion = Duration.ofNanos(System.nanoTime() - startNanos);
            (result.success() ? completed : failed).incrementAndGet();
            return new ClientResult(
                    source,
                    target,
                    completion,
                    result.elapsed(),
                    result.bytes(),
                    result.retransmissions(),
                    result.duplicates(),
                    result.sha256(),
                    result.success() ? null : result.diagnosis().kind(),
                    result.success() ? null : result.diagnosis().reason());
        }
    }

    private ClientResult collect(Future<ClientResult> f, int index, long start, boolean abandoned)
            throws InterruptedException {
        InetAddress source = sources.get(index);
        String stopped = "not finished within " + seconds(maxTime) + " (stopped by the storm)";
        if (!f.isDone()) {
            return new ClientResult(
                    source,
                    targetAddress(index),
                    Duration.ofNanos(System.nanoTime() - start),
                    Duration.ZERO,
                    0,
                    0,
                    0,
                    null,
                    FailureKind.TIMEOUT,
                    stopped);
        }
        try {
            ClientResult r = f.get();
            if (abandoned
                    && !r.ok()
                    && r.kind() == FailureKind.IO_ERROR
                    && r.completion().compareTo(maxTime) >= 0) {
                // Its socket was closed under it: say why instead of "socket closed".
                return new ClientResult(
                        r.source(),
                        r.target(),
                        r.completion(),
                        r.transfer(),
                        r.bytes(),
                        r.retransmissions(),
                        r.duplicates(),
                        null,
                        FailureKind.TIMEOUT,
                        stopped);
            }
            return r;
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            return new ClientResult(
                    source,
                    targetAddress(index),
                    Duration.ofNanos(System.nanoTime() - start),
                    Duration.ZERO,
                    0,
                    0,
                    0,
                    null,
                    FailureKind.IO_ERROR,
                    "client failed: " + c);
        }
    }

    private InetAddress targetAddress(int client) {
        return targets.get(targetOf(client, sources.size(), targets.size()));
    }

    private static String seconds(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
    }

    private static ThreadFactory threads() {
        AtomicInteger count = new AtomicInteger();
        return r -> {
            Thread t = new Thread(null, r, "storm-client-" + count.incrementAndGet(), THREAD_STACK);
            t.setDaemon(true);
            return t;
        };
    }

    /** Adds what the client receives to the storm's byte count; keeps nothing. */
    private static final class Counter extends OutputStream {
        private final LongAdder sum;

        Counter(LongAdder sum) {
            this.sum = sum;
        }

        @Override
        public void write(int b) {
            sum.increment();
        }

        @Override
        public void write(byte[] b, int off, int len) {
            sum.add(len);
        }
    }
}
