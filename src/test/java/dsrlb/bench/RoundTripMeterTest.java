package dsrlb.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dsrlb.tftp.FakeTftpServer;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Round trips on loopback against the echo, a wrong-address echo and the fake TFTP server. */
class RoundTripMeterTest {
    static final InetAddress LO = InetAddress.getLoopbackAddress();

    @Test
    void echoRoundTripsAreAllMeasured() throws Exception {
        try (EchoReflector echo = EchoReflector.bind(List.of(new InetSocketAddress(LO, 0)))) {
            CompletableFuture<Long> run =
                    CompletableFuture.supplyAsync(() -> EchoReflectorTest.runQuietly(echo, Duration.ofSeconds(30)));
            RoundTripMeter.Series s =
                    RoundTripMeter.measureEcho(LO, echo.localAddresses().get(0), 64, 500, 1000);
            echo.stop();
            assertEquals(500, s.nanos().length);
            assertEquals(0, s.lost());
            assertEquals(0, s.strays());
            assertTrue(Arrays.stream(s.nanos()).allMatch(n -> n > 0 && n < 1_000_000_000L));
            assertEquals(500L, run.get(2, TimeUnit.SECONDS), "one echo per request");
        }
    }

    /** A DSR backend that answers from its real address instead of the VIP: no measurement, all strays. */
    @Test
    void aReplyFromAnotherAddressIsAStrayNotARoundTrip() throws Exception {
        try (DatagramSocket vip = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                DatagramSocket real = new DatagramSocket(new InetSocketAddress(EchoReflectorTest.loopback(2), 0))) {
            Thread t = new Thread(() -> reflect(vip, real), "wrong-source-echo");
            t.setDaemon(true);
            t.start();
            RoundTripMeter.Series s =
                    RoundTripMeter.measureEcho(LO, (InetSocketAddress) vip.getLocalSocketAddress(), 16, 5, 100);
            assertEquals(0, s.nanos().length);
            assertEquals(5, s.lost());
            assertEquals(5, s.strays());
        }
    }

    /** A late echo of request i must not end request i + 1's round trip. */
    @Test
    void aStaleEchoIsNotTakenForTheCurrentOne() throws Exception {
        try (DatagramSocket server = new DatagramSocket(new InetSocketAddress(LO, 0))) {
            Thread t = new Thread(() -> echoFirstOneTooLate(server), "slow-echo");
            t.setDaemon(true);
            t.start();
            RoundTripMeter.Series s =
                    RoundTripMeter.measureEcho(LO, (InetSocketAddress) server.getLocalSocketAddress(), 16, 3, 200);
            assertEquals(1, s.lost(), "the first request");
            assertEquals(2, s.nanos().length);
            assertEquals(1, s.strays(), "its late echo");
        }
    }

    @Test
    void tftpRoundTripsEndAtTheErrorForTheMissingFile() throws Exception {
        try (FakeTftpServer server = FakeTftpServer.start()) {
            RoundTripMeter.Series s =
                    RoundTripMeter.measureTftp(LO, new InetSocketAddress(LO, server.port()), "nope.bin", 20, 1000);
            assertEquals(20, s.nanos().length);
            assertEquals(0, s.lost());
            assertEquals(20, server.requests().size());
        }
    }

    private static void reflect(DatagramSocket in, DatagramSocket out) {
        byte[] buf = new byte[1500];
        try {
            while (true) {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                in.receive(p);
                out.send(new DatagramPacket(buf, p.getLength(), p.getSocketAddress()));
            }
        } catch (IOException closed) {
            // test over
        }
    }

    /** Holds the first request past the meter's timeout, then echoes it just before the second one's echo. */
    private static void echoFirstOneTooLate(DatagramSocket s) {
        byte[] buf = new byte[1500];
        try {
            DatagramPacket first = new DatagramPacket(new byte[1500], 1500);
            s.receive(first);
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            s.receive(p); // the second request, sent after the first timed out
            s.send(new DatagramPacket(first.getData(), first.getLength(), first.getSocketAddress()));
            s.send(new DatagramPacket(buf, p.getLength(), p.getSocketAddress()));
            while (true) {
                p = new DatagramPacket(buf, buf.length);
                s.receive(p);
                s.send(new DatagramPacket(buf, p.getLength(), p.getSocketAddress()));
            }
        } catch (IOException | RuntimeException closed) {
            // test over
        }
    }
}
