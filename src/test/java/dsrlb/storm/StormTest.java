package dsrlb.storm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dsrlb.tftp.FailureKind;
import dsrlb.tftp.FakeTftpServer;
import dsrlb.tftp.TftpRequest;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The storm engine against the fake TFTP server on loopback (all of 127/8 is local on Linux). */
class StormTest {
    static final byte[] FILE = random(100_000, 5);
    static final List<InetAddress> EIGHT = SourceAddresses.parse("127.0.0.1-127.0.0.8");

    FakeTftpServer server;

    @BeforeEach
    void startServer() throws IOException {
        server = FakeTftpServer.start().serve("ARDBP32.BIN", FILE);
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    TftpRequest request(String file) {
        return TftpRequest.of(InetAddress.getLoopbackAddress(), file)
                .withPort(server.port())
                .withTimeout(Duration.ofMillis(300), 3);
    }

    @Test
    void everyClientFetchesTheFileFromItsOwnAddress() throws Exception {
        Storm storm = new Storm(request("ARDBP32.BIN").withExpectedSha256(sha256(FILE)), EIGHT, Duration.ofSeconds(30));
        assertEquals(new Progress(8, 0, 0, 0, 0, 0), storm.progress());

        StormResult r = storm.run();

        assertEquals(8, r.completed());
        assertEquals(0, r.failed());
        assertTrue(r.allCompleted());
        assertEquals(8L * FILE.length, r.bytes());
        assertEquals(Set.of(sha256(FILE)), r.distinctSha256());
        assertEquals(EIGHT, r.clients().stream().map(ClientResult::source).toList(), "results in source order");
        for (ClientResult c : r.clients()) {
            assertTrue(c.ok(), c.toString());
            assertNull(c.kind());
            assertEquals(FILE.length, c.bytes());
            assertTrue(c.transfer().compareTo(Duration.ZERO) > 0);
            assertTrue(c.completion().compareTo(c.transfer()) >= 0, "completion counts from the common start: " + c);
            assertTrue(c.completion().compareTo(r.wall()) <= 0);
        }
        assertEquals(r.wall(), r.completionTimes().max(), "the storm ends with its last client");
        assertEquals(8, server.requests().size());

        Progress p = storm.progress();
        assertEquals(8, p.completed());
        assertEquals(0, p.running());
        assertEquals(8L * FILE.length, p.bytes());
        assertTrue(p.elapsedNanos() > 0);
        assertThrows(IllegalStateException.class, storm::run, "a storm runs once");
    }

    @Test
    void eachClientSendsFromItsOwnSourceAddress() throws Exception {
        // The fake server answers the address each RRQ came from; a client bound elsewhere would
        // never see its DATA. Completing from 8 addresses at once shows each bound its own.
        List<InetAddress> odd = SourceAddresses.parse("127.1.2.3,127.9.9.9,127.0.0.200-202");

        StormResult r = new Storm(request("ARDBP32.BIN"), odd, Duration.ofSeconds(30)).run();

        assertEquals(5, r.completed(), r.failures().toString());
        assertEquals(
                List.of("127.1.2.3", "127.9.9.9", "127.0.0.200", "127.0.0.201", "127.0.0.202"),
                r.clients().stream().map(ClientResult::client).toList());
    }

    @Test
    void anAddressThatCannotBeBoundFailsThatClientOnly() throws Exception {
        // 203.0.113.0/24 is TEST-NET-3: on no interface of a test machine.
        List<InetAddress> sources = SourceAddresses.parse("127.0.0.1-127.0.0.3,203.0.113.77");

        StormResult r = new Storm(request("ARDBP32.BIN"), sources, Duration.ofSeconds(30)).run();

        assertEquals(3, r.completed());
        assertEquals(1, r.failed());
        ClientResult f = r.failures().get(0);
        assertEquals("203.0.113.77", f.client());
        assertEquals(FailureKind.IO_ERROR, f.kind());
        assertTrue(f.reason().startsWith("cannot bind a UDP socket to 203.0.113.77: "), f.reason());
        assertEquals(0, f.bytes());
    }

    @Test
    void lostBlocksAreCountedAsTheClientsRetransmissions() throws Exception {
        server.dropDataOnce(3).dropDataOnce(20).dropDataOnce(50);

        StormResult r = new Storm(
                        request("ARDBP32.BIN").withTimeout(Duration.ofMillis(200), 3), EIGHT, Duration.ofSeconds(30))
                .run();

        assertEquals(8, r.completed(), r.failures().toString());
        assertTrue(r.retransmissions() >= 3, "3 blocks lost once: " + r.retransmissions());
        assertEquals(
                r.clients().stream().mapToLong(ClientResult::retransmissions).sum(), r.retransmissions());
        assertTrue(r.clients().stream().filter(c -> c.retransmissions() > 0).count() >= 1);
    }

    @Test
    void theMaxTimeBoundsTheStormEvenWhenEveryClientWouldRetryForLonger() throws Exception {
        server.silent();
        long t0 = System.nanoTime();

        StormResult r = new Storm(
                        request("ARDBP32.BIN").withTimeout(Duration.ofMillis(200), 1000), EIGHT, Duration.ofSeconds(1))
                .run();

        double took = (System.nanoTime() - t0) / 1e9;
        assertTrue(took < 4, "took " + took + " s");
        assertEquals(8, r.failed());
        Set<String> reasons = r.failures().stream().map(ClientResult::reason).collect(Collectors.toSet());
        assertEquals(Set.of("not finished within 1s (waiting for the first reply)"), reasons);
        assertEquals(Set.of(FailureKind.TIMEOUT), r.failuresByKind().keySet());
        assertTrue(r.completionTimes().isEmpty());
    }

    @Test
    void clientsRetryLikePxeFirmwareWithoutTheProbesIcmpCheck() throws Exception {
        int closed;
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        TftpRequest r = request("ARDBP32.BIN").withPort(closed).withTimeout(Duration.ofMillis(100), 2);

        StormResult result = new Storm(r, EIGHT.subList(0, 2), Duration.ofSeconds(30)).run();

        // dsrlb probe would stop at the first timeout with ICMP_UNREACHABLE; a storm client just
        // sends its RRQ again, so a lost first reply costs one timeout, not one more second.
        assertEquals(
                Set.of("timeout waiting for the first reply after 2 retries"),
                result.failures().stream().map(ClientResult::reason).collect(Collectors.toSet()));
        assertTrue(result.clients().stream().allMatch(c -> c.retransmissions() == 2));
    }

    @Test
    void aMissingFileFailsEveryClientWithTheServersError() throws Exception {
        StormResult r = new Storm(request("nosuch.bin"), EIGHT, Duration.ofSeconds(30)).run();

        assertEquals(0, r.completed());
        assertEquals(8, r.failed());
        assertEquals(8, r.failuresByKind().get(FailureKind.TFTP_ERROR));
        assertTrue(r.failures().stream().allMatch(c -> c.reason().equals("TFTP error 1 (File not found)")));
        assertTrue(r.distinctSha256().isEmpty());
    }

    @Test
    void theClientCountIsBounded() {
        List<InetAddress> many = SourceAddresses.parse("10.0.0.0-10.0.4.0");
        assertThrows(
                IllegalArgumentException.class,
                () -> new Storm(request("x"), many.subList(0, Storm.MAX_CLIENTS + 1), Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class, () -> new Storm(request("x"), List.of(), Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class, () -> new Storm(request("x"), EIGHT, Duration.ZERO));
    }

    static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
