package dsrlb.transfer;

import dsrlb.dataplane.ForwardedFrameListener;
import dsrlb.frame.Ethernet;
import dsrlb.frame.Ipv4Packet;
import dsrlb.tftp.TftpPackets;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.IntUnaryOperator;

/**
 * TFTP transfers as dsrlb sees them: a client's RRQ starts one on the service it was sent to,
 * each later packet of that client (its ACKs) keeps it alive, and a few seconds of silence end
 * it. Counts active transfers per service (for LEASTTRANSFERS and status), requests per file
 * name and per client, and each transfer's time from RRQ to its last ACK.
 *
 * <p>The forwarder tells it of each forwarded frame ({@link #forwarded}); the receive thread
 * calls {@link #request} and {@link #packet} through it and allocates nothing: a
 * 4-way set-associative table of primitive arrays, and RRQ bytes copied into a ring of
 * preallocated slots. {@link #sweep}, on a control thread, ends idle transfers and turns the
 * ring into per-file and per-client counts.
 */
public final class TransferTracker implements ForwardedFrameListener {
    /** Reports a finished transfer (a histogram, in the daemon). */
    public interface Completion {
        void finished(int serviceId, long nanos);
    }

    private static final int UDP_HEADER_LENGTH = 8;
    private static final int SLOTS = 1 << 16;
    private static final int WAYS = 4;
    private static final int EMPTY = 0;
    private static final int ACTIVE = 1;
    private static final int FINISHED = 2;
    private static final int NAME_RING = 1024;
    private static final int NAME_BYTES = 256;
    /** Bounds the per-file and per-client counts: beyond it, only already known keys count. */
    static final int MAX_KEYS = 10_000;
    /** Finished transfers kept for the status page, newest last. */
    static final int RECENT = 50;

    /**
     * One transfer for the status page.
     *
     * @param file the requested name, or null when the RRQ was not counted yet (before the next sweep)
     * @param startedNanos the RRQ's {@link System#nanoTime()}
     * @param nanos RRQ to the client's last packet (so far, for one in progress)
     */
    public record Transfer(int clientIp, int serviceId, String file, long startedNanos, long nanos) {}

    private final int[] client = new int[SLOTS];
    private final int[] service = new int[SLOTS];
    private final long[] started = new long[SLOTS];
    private final AtomicLongArray lastSeen = new AtomicLongArray(SLOTS);
    private final AtomicIntegerArray state = new AtomicIntegerArray(SLOTS);
    private final AtomicIntegerArray activeByService;

    private final byte[][] names = new byte[NAME_RING][NAME_BYTES];
    private final int[] nameLengths = new int[NAME_RING];
    private final int[] nameClients = new int[NAME_RING];
    private final AtomicLong nameHead = new AtomicLong();
    private final AtomicLong nameTail = new AtomicLong();

    private final AtomicLong started_ = new AtomicLong();
    private final AtomicLong finished = new AtomicLong();
    private final AtomicLong untracked = new AtomicLong();
    private final Map<String, Long> requestsByFile = new HashMap<>();
    private final Map<Integer, Long> requestsByClient = new HashMap<>();
    /** The file each client asked for last: names the transfer when it is listed. */
    private final Map<Integer, String> fileByClient = new HashMap<>();

    private final ArrayDeque<Transfer> recent = new ArrayDeque<>();
    private final long idleNanos;

    /** @param idleNanos silence after which a transfer is over (its client ACKs every block) */
    public TransferTracker(int services, long idleNanos) {
        this.activeByService = new AtomicIntegerArray(Math.max(1, services));
        this.idleNanos = idleNanos;
    }

    private static int set(int ip) {
        int h = ip * 0x9E3779B9;
        return (h ^ (h >>> 16)) & (SLOTS - 1) & ~(WAYS - 1);
    }

    /**
     * Receive thread: a read request to the TFTP port starts a transfer; any other UDP packet of
     * the client keeps its transfer going.
     */
    @Override
    public void forwarded(byte[] frame, int length, int vipIndex, int clientIp, int serviceId, int protocol, int port) {
        if (protocol != Ipv4Packet.PROTO_UDP || port < 0) {
            return;
        }
        long now = System.nanoTime();
        int ip = Ethernet.payloadOffset(frame);
        int payload = ip + Ipv4Packet.headerLength(frame, ip) + UDP_HEADER_LENGTH;
        int end = ip + Ipv4Packet.totalLength(frame, ip);
        if (port == TftpPackets.PORT && TftpPackets.isReadRequest(frame, payload, end)) {
            // The file name follows the two-byte opcode.
            request(clientIp, serviceId, now, frame, payload + 2, end);
        } else {
            packet(clientIp, now);
        }
    }

    /**
     * Receive thread: a TFTP read request from {@code clientIp} went to {@code serviceId}.
     *
     * @param frame the frame; the file name starts at {@code nameOffset} (NUL-terminated)
     */
    public void request(int clientIp, int serviceId, long now, byte[] frame, int nameOffset, int end) {
        int base = set(clientIp);
        int free = -1;
        for (int i = base; i < base + WAYS; i++) {
            int st = state.get(i);
            if (st != EMPTY && client[i] == clientIp) {
                // A new RRQ from the same client: its previous transfer is over.
                finish(i);
                free = i;
                break;
            }
            if (free < 0 && st != ACTIVE) {
                free = i;
            }
        }
        if (free < 0) {
            untracked.incrementAndGet();
        } else {
            client[free] = clientIp;
            service[free] = serviceId;
            started[free] = now;
            lastSeen.set(free, now);
            if (serviceId < activeByService.length()) {
                activeByService.incrementAndGet(serviceId);
            }
            state.set(free, ACTIVE);
            started_.incrementAndGet();
        }
        long h = nameHead.get();
        if (h - nameTail.get() < NAME_RING) {
            int r = (int) (h & (NAME_RING - 1));
            int n = 0;
            while (nameOffset + n < end && n < NAME_BYTES && frame[nameOffset + n] != 0) {
                n++;
            }
            System.arraycopy(frame, nameOffset, names[r], 0, n);
            nameLengths[r] = n;
            nameClients[r] = clientIp;
            nameHead.lazySet(h + 1);
        }
    }

    /** Receive thread (or the offload sync, with the kernel's idea of the time): the client is still talking. */
    public void packet(int clientIp, long now) {
        int base = set(clientIp);
        for (int i = base; i < base + WAYS; i++) {
            if (client[i] == clientIp && state.get(i) == ACTIVE) {
                lastSeen.set(i, now);
                return;
            }
        }
    }

    private boolean finish(int i) {
        if (!state.compareAndSet(i, ACTIVE, FINISHED)) {
            return false;
        }
        if (service[i] < activeByService.length()) {
            activeByService.decrementAndGet(service[i]);
        }
        finished.incrementAndGet();
        return true;
    }

    /** Control thread: ends transfers idle for longer than the idle time; counts the requests seen since. */
    public synchronized void sweep(long now, Completion completion) {
        // Names first, so a transfer that began and ended since the last sweep is listed with its file.
        long t = nameTail.get();
        long h = nameHead.get();
        for (long s = t; s < h; s++) {
            int r = (int) (s & (NAME_RING - 1));
            // A client chose these bytes: shown in stat and on the status page, so made printable.
            String name = TftpPackets.printable(new String(names[r], 0, nameLengths[r], StandardCharsets.ISO_8859_1));
            count(requestsByFile, name);
            count(requestsByClient, nameClients[r]);
            if (fileByClient.size() >= SLOTS) {
                // Clients whose RRQ found no slot never finish here; forget them all rather than grow.
                fileByClient.clear();
            }
            fileByClient.put(nameClients[r], name);
        }
        nameTail.lazySet(h);
        for (int i = 0; i < SLOTS; i++) {
            if (state.get(i) != ACTIVE) {
                continue;
            }
            long last = lastSeen.get(i);
            if (now - last >= idleNanos) {
                int svc = service[i];
                long took = last - started[i];
                if (finish(i)) {
                    completion.finished(svc, took);
                    if (recent.size() == RECENT) {
                        recent.removeFirst();
                    }
                    recent.addLast(new Transfer(client[i], svc, fileByClient.remove(client[i]), started[i], took));
                }
            }
        }
    }

    /** The last finished transfers (ended by a sweep), newest first. */
    public synchronized List<Transfer> recent() {
        List<Transfer> out = new ArrayList<>(recent);
        Collections.reverse(out);
        return out;
    }

    /**
     * Up to {@code limit} transfers in progress, the newest first.
     *
     * @param now the caller's {@link System#nanoTime()}, to say how long each has run
     */
    public synchronized List<Transfer> inProgress(long now, int limit) {
        List<Transfer> out = new ArrayList<>();
        for (int i = 0; i < SLOTS; i++) {
            // The state's volatile read orders the receive thread's plain writes before it.
            if (state.get(i) == ACTIVE) {
                out.add(new Transfer(client[i], service[i], fileByClient.get(client[i]), started[i], now - started[i]));
            }
        }
        out.sort(Comparator.comparingLong(Transfer::startedNanos).reversed());
        return List.copyOf(out.subList(0, Math.min(limit, out.size())));
    }

    private static <K> void count(Map<K, Long> m, K key) {
        if (m.size() < MAX_KEYS || m.containsKey(key)) {
            m.merge(key, 1L, Long::sum);
        }
    }

    public int active(int serviceId) {
        return serviceId < activeByService.length() ? Math.max(0, activeByService.get(serviceId)) : 0;
    }

    /** For LEASTTRANSFERS: active transfers by service id. */
    public IntUnaryOperator activeCounts() {
        return this::active;
    }

    public long started() {
        return started_.get();
    }

    public long finished() {
        return finished.get();
    }

    /** RRQs not tracked because their table set was full of active transfers. */
    public long untracked() {
        return untracked.get();
    }

    /** The {@code n} most requested file names, most first. */
    public synchronized List<Map.Entry<String, Long>> topFiles(int n) {
        return top(requestsByFile, n);
    }

    /** The {@code n} clients with most requests, most first. */
    public synchronized List<Map.Entry<Integer, Long>> topClients(int n) {
        return top(requestsByClient, n);
    }

    private static <K> List<Map.Entry<K, Long>> top(Map<K, Long> m, int n) {
        List<Map.Entry<K, Long>> all = new ArrayList<>();
        m.forEach((k, v) -> all.add(Map.entry(k, v)));
        all.sort(Map.Entry.<K, Long>comparingByValue(Comparator.reverseOrder()));
        return List.copyOf(all.subList(0, Math.min(n, all.size())));
    }
}
