package dsrlb.transfer;

import dsrlb.dataplane.ForwardedFrameListener;
import dsrlb.frame.Ethernet;
import dsrlb.frame.Ipv4Packet;
import dsrlb.frame.Ipv6Packet;
import dsrlb.net.IpAddress;
import dsrlb.tftp.TftpPackets;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
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
 * name and per client, and each transfer's time from RRQ to its last ACK. IPv4 and IPv6 clients
 * alike: a client is its address as the two words of {@link IpAddress} (IPv4 in its mapped
 * form), so both families share one table and one hash.
 *
 * <p>The forwarder tells it of each forwarded frame ({@link #forwarded}, {@link #forwardedIpv6});
 * the receive thread calls {@link #request} and {@link #packet} through it and allocates nothing:
 * a 4-way set-associative table of primitive arrays, and RRQ bytes copied into a ring of
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
    public record Transfer(IpAddress client, int serviceId, String file, long startedNanos, long nanos) {}

    /** Slot {@code i}'s client: its address's high word at {@code 2i}, its low word at {@code 2i + 1}. */
    private final long[] client = new long[2 * SLOTS];

    private final int[] service = new int[SLOTS];
    private final long[] started = new long[SLOTS];
    private final AtomicLongArray lastSeen = new AtomicLongArray(SLOTS);
    private final AtomicIntegerArray state = new AtomicIntegerArray(SLOTS);
    private final AtomicIntegerArray activeByService;

    private final byte[][] names = new byte[NAME_RING][NAME_BYTES];
    private final int[] nameLengths = new int[NAME_RING];
    /** Ring slot {@code r}'s client, two words as in {@link #client}. */
    private final long[] nameClients = new long[2 * NAME_RING];

    private final AtomicLong nameHead = new AtomicLong();
    private final AtomicLong nameTail = new AtomicLong();

    private final AtomicLong started_ = new AtomicLong();
    private final AtomicLong finished = new AtomicLong();
    private final AtomicLong untracked = new AtomicLong();
    private final Map<String, Long> requestsByFile = new HashMap<>();
    private final Map<IpAddress, Long> requestsByClient = new HashMap<>();
    /** The file each client asked for last: names the transfer when it is listed. */
    private final Map<IpAddress, String> fileByClient = new HashMap<>();
    /** {@link Ipv6Packet#upperLayer}'s answer for {@link #forwardedIpv6}: the first receive thread's own ({@link #feed}). */
    private final int[] upperLayer = new int[Ipv6Packet.UPPER_LAYER_SLOTS];

    private final ArrayDeque<Transfer> recent = new ArrayDeque<>();
    /** Serialises {@link #request} between receive threads; never held by the sweep. */
    private final Object requestLock = new Object();

    private final long idleNanos;

    /** @param idleNanos silence after which a transfer is over (its client ACKs every block) */
    public TransferTracker(int services, long idleNanos) {
        this.activeByService = new AtomicIntegerArray(Math.max(1, services));
        this.idleNanos = idleNanos;
    }

    /**
     * The first slot of the client's set. Both words count (the high one multiplied and rotated,
     * xored into the low one, then MurmurHash3's 64-bit finalizer): IPv6 clients of one /64
     * differ only in the low word, IPv4 ones only in its last 32 bits, and clients of different
     * prefixes may share their low word.
     */
    static int set(long high, long low) {
        long h = low ^ Long.rotateLeft(high * 0x9E3779B97F4A7C15L, 32);
        h = (h ^ (h >>> 33)) * 0xFF51AFD7ED558CCDL;
        h = (h ^ (h >>> 33)) * 0xC4CEB9FE1A85EC53L;
        h ^= h >>> 33;
        return (int) h & (SLOTS - 1) & ~(WAYS - 1);
    }

    private boolean holds(int slot, long high, long low) {
        return client[2 * slot + 1] == low && client[2 * slot] == high;
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
        update(0, IpAddress.mappedLow(clientIp), serviceId, now, frame, port, payload, end);
    }

    /** Receive thread: as {@link #forwarded}, for a client that is the IPv6 packet's source. */
    @Override
    public void forwardedIpv6(byte[] frame, int length, int ip, int vipIndex, int serviceId, int protocol, int port) {
        forwardedIpv6(frame, ip, serviceId, protocol, port, upperLayer);
    }

    /**
     * A listener for one more receive thread (dsrlb on several interfaces, one forwarder each):
     * the same table, with a walk buffer of its own. Read requests from several threads take
     * turns ({@link #request}); the rest of the receive side is safe to share.
     */
    public ForwardedFrameListener feed() {
        int[] own = new int[Ipv6Packet.UPPER_LAYER_SLOTS];
        return new ForwardedFrameListener() {
            @Override
            public void forwarded(
                    byte[] frame, int length, int vipIndex, int clientIp, int serviceId, int protocol, int port) {
                TransferTracker.this.forwarded(frame, length, vipIndex, clientIp, serviceId, protocol, port);
            }

            @Override
            public void forwardedIpv6(
                    byte[] frame, int length, int ip, int vipIndex, int serviceId, int protocol, int port) {
                TransferTracker.this.forwardedIpv6(frame, ip, serviceId, protocol, port, own);
            }
        };
    }

    private void forwardedIpv6(byte[] frame, int ip, int serviceId, int protocol, int port, int[] upperLayer) {
        // The forwarder validated the packet and walked it to a UDP header (port >= 0); the walk
        // is repeated here rather than its result passed to every listener.
        if (protocol != Ipv6Packet.PROTO_UDP
                || port < 0
                || Ipv6Packet.upperLayer(frame, ip, upperLayer) != Ipv6Packet.OK) {
            return;
        }
        long now = System.nanoTime();
        int payload = upperLayer[Ipv6Packet.UL_OFFSET] + UDP_HEADER_LENGTH;
        int end = Ipv6Packet.end(frame, ip);
        update(
                Ipv6Packet.sourceHigh(frame, ip),
                Ipv6Packet.sourceLow(frame, ip),
                serviceId,
                now,
                frame,
                port,
                payload,
                end);
    }

    private void update(long high, long low, int serviceId, long now, byte[] frame, int port, int payload, int end) {
        if (port == TftpPackets.PORT && TftpPackets.isReadRequest(frame, payload, end)) {
            // The file name follows the two-byte opcode.
            request(high, low, serviceId, now, frame, payload + 2, end);
        } else {
            packet(high, low, now);
        }
    }

    /** Receive thread: {@link #request(long, long, int, long, byte[], int, int)} for an IPv4 client. */
    public void request(int clientIp, int serviceId, long now, byte[] frame, int nameOffset, int end) {
        request(0, IpAddress.mappedLow(clientIp), serviceId, now, frame, nameOffset, end);
    }

    /**
     * Receive thread: a TFTP read request from the client {@code (high, low)} ({@link IpAddress}'s
     * words) went to {@code serviceId}.
     *
     * @param frame the frame; the file name starts at {@code nameOffset} (NUL-terminated)
     */
    public void request(long high, long low, int serviceId, long now, byte[] frame, int nameOffset, int end) {
        // One RRQ per transfer: the lock is uncontended but for a second interface's thread, and
        // keeps slot claims and the name ring single-writer.
        synchronized (requestLock) {
            claim(high, low, serviceId, now, frame, nameOffset, end);
        }
    }

    private void claim(long high, long low, int serviceId, long now, byte[] frame, int nameOffset, int end) {
        int base = set(high, low);
        int free = -1;
        for (int i = base; i < base + WAYS; i++) {
            int st = state.get(i);
            if (st != EMPTY && holds(i, high, low)) {
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
            client[2 * free] = high;
            client[2 * free + 1] = low;
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
            nameClients[2 * r] = high;
            nameClients[2 * r + 1] = low;
            nameHead.lazySet(h + 1);
        }
    }

    /** Receive thread (or the offload sync, with the kernel's idea of the time): the IPv4 client is still talking. */
    public void packet(int clientIp, long now) {
        packet(0, IpAddress.mappedLow(clientIp), now);
    }

    /** Receive thread: the client {@code (high, low)} ({@link IpAddress}'s words) is still talking. */
    public void packet(long high, long low, long now) {
        int base = set(high, low);
        for (int i = base; i < base + WAYS; i++) {
            if (holds(i, high, low) && state.get(i) == ACTIVE) {
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
            IpAddress who = new IpAddress(nameClients[2 * r], nameClients[2 * r + 1]);
            count(requestsByFile, name);
            count(requestsByClient, who);
            if (fileByClient.size() >= SLOTS) {
                // Clients whose RRQ found no slot never finish here; forget them all rather than grow.
                fileByClient.clear();
            }
            fileByClient.put(who, name);
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
                    IpAddress who = clientOf(i);
                    recent.addLast(new Transfer(who, svc, fileByClient.remove(who), started[i], took));
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
        // The status page asks every second, in a storm of thousands of transfers: the newest are
        // found among primitives (their start times, sorted) and only they become objects.
        int[] active = new int[64];
        long[] starts = new long[64];
        int n = 0;
        for (int i = 0; i < SLOTS; i++) {
            // The state's volatile read orders the receive thread's plain writes before it.
            if (state.get(i) == ACTIVE) {
                if (n == active.length) {
                    active = Arrays.copyOf(active, 2 * n);
                    starts = Arrays.copyOf(starts, 2 * n);
                }
                active[n] = i;
                starts[n++] = started[i];
            }
        }
        long oldest = Long.MIN_VALUE;
        if (n > limit) {
            long[] sorted = Arrays.copyOf(starts, n);
            Arrays.sort(sorted);
            oldest = limit == 0 ? Long.MAX_VALUE : sorted[n - limit];
        }
        List<Transfer> out = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            // Ties at the oldest listed start may add a few: trimmed after the sort.
            if (starts[k] >= oldest) {
                int i = active[k];
                IpAddress who = clientOf(i);
                out.add(new Transfer(who, service[i], fileByClient.get(who), starts[k], now - starts[k]));
            }
        }
        out.sort(Comparator.comparingLong(Transfer::startedNanos).reversed());
        return List.copyOf(out.subList(0, Math.min(limit, out.size())));
    }

    private IpAddress clientOf(int slot) {
        return new IpAddress(client[2 * slot], client[2 * slot + 1]);
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
    public synchronized List<Map.Entry<IpAddress, Long>> topClients(int n) {
        return top(requestsByClient, n);
    }

    /**
     * The {@code n} largest counts, most first, ties in the map's order: what a stable sort of the
     * whole map would give, in one pass that keeps {@code n} entries (the map holds up to
     * {@link #MAX_KEYS} clients, and the status page asks every second).
     */
    private static <K> List<Map.Entry<K, Long>> top(Map<K, Long> m, int n) {
        if (n <= 0) {
            return List.of();
        }
        List<Map.Entry<K, Long>> best = new ArrayList<>();
        m.forEach((k, v) -> {
            if (best.size() == n && v <= best.get(n - 1).getValue()) {
                return;
            }
            int at = best.size();
            while (at > 0 && best.get(at - 1).getValue() < v) {
                at--;
            }
            best.add(at, Map.entry(k, v));
            if (best.size() > n) {
                best.remove(n);
            }
        });
        return List.copyOf(best);
    }
}
