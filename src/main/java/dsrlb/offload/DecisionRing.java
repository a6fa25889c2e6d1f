package dsrlb.offload;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Hands (VIP, client, service) decisions from the receive thread to the offload writer without
 * locks or allocation: one producer, one consumer, fixed capacity. A client is its 128-bit
 * address as two longs ({@link dsrlb.net.IpAddress}: an IPv4 client in its mapped form). When full, a decision is
 * dropped and counted; the client's next packet reaches dsrlb again and offers it again.
 */
final class DecisionRing {
    private final int mask;
    private final int[] vips;
    private final long[] clientHighs;
    private final long[] clientLows;
    private final int[] services;
    private final long[] offeredAt;
    /** Next slot to write; written by the producer only. */
    private final AtomicLong head = new AtomicLong();
    /** Next slot to read; written by the consumer only. */
    private final AtomicLong tail = new AtomicLong();

    private final AtomicLong dropped = new AtomicLong();

    DecisionRing(int capacityPowerOfTwo) {
        if (Integer.bitCount(capacityPowerOfTwo) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two: " + capacityPowerOfTwo);
        }
        mask = capacityPowerOfTwo - 1;
        vips = new int[capacityPowerOfTwo];
        clientHighs = new long[capacityPowerOfTwo];
        clientLows = new long[capacityPowerOfTwo];
        services = new int[capacityPowerOfTwo];
        offeredAt = new long[capacityPowerOfTwo];
    }

    /** Producer side. @return false when full */
    boolean offer(int vip, long clientHigh, long clientLow, int service) {
        long h = head.get();
        if (h - tail.get() > mask) {
            dropped.incrementAndGet();
            return false;
        }
        int i = (int) (h & mask);
        vips[i] = vip;
        clientHighs[i] = clientHigh;
        clientLows[i] = clientLow;
        services[i] = service;
        offeredAt[i] = System.nanoTime();
        head.lazySet(h + 1);
        return true;
    }

    interface Sink {
        void accept(int vip, long clientHigh, long clientLow, int service);
    }

    /** A sink that also wants to know when each decision was offered (System.nanoTime()). */
    interface TimedSink {
        void accept(int vip, long clientHigh, long clientLow, int service, long offeredNanos);
    }

    /** Consumer side: hands over everything offered so far. @return how many */
    int drain(Sink sink) {
        return drain((vip, high, low, service, offered) -> sink.accept(vip, high, low, service));
    }

    int drain(TimedSink sink) {
        long t = tail.get();
        long h = head.get();
        for (long s = t; s < h; s++) {
            int i = (int) (s & mask);
            sink.accept(vips[i], clientHighs[i], clientLows[i], services[i], offeredAt[i]);
        }
        tail.lazySet(h);
        return (int) (h - t);
    }

    boolean isEmpty() {
        return head.get() == tail.get();
    }

    /** Decisions offered and not drained yet (the consumer's view). */
    int size() {
        return (int) (head.get() - tail.get());
    }

    long dropped() {
        return dropped.get();
    }
}
