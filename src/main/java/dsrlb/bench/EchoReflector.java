package dsrlb.bench;

import java.io.Closeable;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A UDP echo for latency measurements: each datagram goes back to its sender from the socket it
 * arrived on, so a socket bound to the VIP answers from the VIP (as a DSR backend must) and one
 * bound to the real address answers from that. One thread, no process or thread per request:
 * tftpd-hpa forks for every RRQ, and its milliseconds of noise hide the microseconds a load
 * balancer adds.
 */
public final class EchoReflector implements Closeable {
    /** Datagrams drained from one socket per wake-up, so that one busy socket cannot starve the others. */
    private static final int BATCH = 64;

    private final Selector selector;
    private final List<DatagramChannel> channels;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(65_536);
    private volatile boolean stopping;
    private long echoed;
    private long dropped;

    private EchoReflector(Selector selector, List<DatagramChannel> channels) {
        this.selector = selector;
        this.channels = channels;
    }

    /** Binds one socket per address (port 0: any free port, see {@link #localAddresses()}). */
    public static EchoReflector bind(List<InetSocketAddress> addresses) throws IOException {
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("no address to bind");
        }
        Selector selector = Selector.open();
        List<DatagramChannel> channels = new ArrayList<>();
        try {
            for (InetSocketAddress a : addresses) {
                DatagramChannel ch = DatagramChannel.open(
                        a.getAddress() instanceof Inet6Address
                                ? StandardProtocolFamily.INET6
                                : StandardProtocolFamily.INET);
                channels.add(ch);
                ch.bind(a);
                ch.configureBlocking(false);
                ch.register(selector, SelectionKey.OP_READ);
            }
        } catch (IOException | RuntimeException e) {
            for (DatagramChannel ch : channels) {
                ch.close();
            }
            selector.close();
            throw e;
        }
        return new EchoReflector(selector, List.copyOf(channels));
    }

    public List<InetSocketAddress> localAddresses() throws IOException {
        List<InetSocketAddress> out = new ArrayList<>();
        for (DatagramChannel ch : channels) {
            out.add((InetSocketAddress) ch.getLocalAddress());
        }
        return out;
    }

    /**
     * Echoes until {@code duration} has passed or {@link #stop()} is called, in the calling thread.
     *
     * @return datagrams echoed
     */
    public long run(Duration duration) throws IOException {
        long deadline = System.nanoTime() + duration.toNanos();
        while (!stopping) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            // select(0) would mean "forever": a deadline under 1 ms still waits 1 ms.
            selector.select(this::drain, Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        }
        return echoed;
    }

    private void drain(SelectionKey key) {
        DatagramChannel ch = (DatagramChannel) key.channel();
        try {
            for (int i = 0; i < BATCH; i++) {
                buffer.clear();
                SocketAddress from = ch.receive(buffer);
                if (from == null) {
                    return;
                }
                buffer.flip();
                // A full send buffer is a lost datagram, as on the wire; the sender times out.
                if (ch.send(buffer, from) == 0) {
                    dropped++;
                } else {
                    echoed++;
                }
            }
        } catch (IOException e) {
            // An ICMP error from an earlier send (port unreachable) surfaces here; it concerns that
            // sender only.
            dropped++;
        }
    }

    /** Ends {@link #run} from another thread (or a shutdown hook); returns at once. */
    public void stop() {
        stopping = true;
        selector.wakeup();
    }

    /** Datagrams received but not echoed (full send buffer, send errors); read after {@link #run}. */
    public long dropped() {
        return dropped;
    }

    @Override
    public void close() throws IOException {
        stopping = true;
        for (DatagramChannel ch : channels) {
            ch.close();
        }
        selector.close();
    }
}
