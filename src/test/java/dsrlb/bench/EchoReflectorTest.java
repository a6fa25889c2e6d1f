package dsrlb.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The echo on real loopback sockets: two addresses, answers from the one asked, bounded run. */
class EchoReflectorTest {
    static final InetSocketAddress A = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    static final InetSocketAddress B = new InetSocketAddress(loopback(2), 0);

    /** 127.0.0.n: Linux answers on the whole of 127/8, so two addresses need no set-up. */
    static InetAddress loopback(int n) {
        try {
            return InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) n});
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Test
    void answersEachDatagramFromTheAddressItWasSentTo() throws Exception {
        try (EchoReflector echo = EchoReflector.bind(List.of(A, B));
                DatagramSocket client =
                        new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            CompletableFuture<Long> run = CompletableFuture.supplyAsync(() -> runQuietly(echo, Duration.ofSeconds(30)));
            client.setSoTimeout(2000);
            List<InetSocketAddress> bound = echo.localAddresses();
            for (InetSocketAddress to : bound) {
                byte[] msg = ("to " + to).getBytes(StandardCharsets.US_ASCII);
                client.send(new DatagramPacket(msg, msg.length, to));
                DatagramPacket in = new DatagramPacket(new byte[100], 100);
                client.receive(in);
                assertEquals(to, in.getSocketAddress(), "the reply's source");
                assertArrayEquals(msg, Arrays.copyOf(in.getData(), in.getLength()));
            }
            echo.stop();
            assertEquals(2L, run.get(2, TimeUnit.SECONDS), "echoed");
        }
    }

    @Test
    void stopsByItselfAfterTheDuration() throws Exception {
        try (EchoReflector echo = EchoReflector.bind(List.of(A))) {
            long t0 = System.nanoTime();
            assertEquals(0L, echo.run(Duration.ofMillis(300)));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms >= 290 && ms < 2000, "ran " + ms + " ms");
        }
    }

    @Test
    void aSecondBindOnTheSamePortFailsAndLeavesNothingOpen() throws Exception {
        try (EchoReflector first = EchoReflector.bind(List.of(A))) {
            InetSocketAddress taken = first.localAddresses().get(0);
            // B binds, then the taken address fails: B's socket must be closed again.
            InetSocketAddress b = new InetSocketAddress("127.0.0.2", taken.getPort());
            try {
                EchoReflector.bind(List.of(b, taken)).close();
                throw new AssertionError("bound " + taken + " twice");
            } catch (IOException expected) {
                // fall through
            }
            try (EchoReflector again = EchoReflector.bind(List.of(b))) {
                assertEquals(b, again.localAddresses().get(0));
            }
        }
    }

    static long runQuietly(EchoReflector echo, Duration d) {
        try {
            return echo.run(d);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
