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
import java.util.stream.IntStream;
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

    @Test
    void theClientsTakeTheTargetsInTurn() {
        // lab/bench's direct arm: 200 clients, every other one to tftp1, the others to tftp2.
        for (int i = 0; i < 200; i++) {
            assertEquals(i % 2, Storm.targetOf(i, 200, 2), "client " + i);
        }
        assertEquals(List.of(0, 1, 0, 1, 0), split(5, 2), "counts differ by one at most");
        assertEquals(List.of(0, 1, 2), split(3, 3), "as many targets as clients: one each");
        assertEquals(List.of(0, 1, 2, 3, 0, 1, 2, 3), split(8, 4), "the paired storm's four targets");
        assertEquals(List.of(0, 0, 0, 0), split(4, 1), "one target has them all");
        assertThrows(IllegalArgumentException.class, () -> Storm.targetOf(5, 5, 2));
        assertThrows(IllegalArgumentException.class, () -> Storm.targetOf(0, 5, 0));
        assertThrows(IllegalArgumentException.class, () -> Storm.targetOf(-1, 5, 2));
        assertEquals(1, Storm.targetOf(Storm.MAX_CLIENTS - 1, Storm.MAX_CLIENTS, 2));
    }

    private static List<Integer> split(int n, int k) {
        return IntStream.range(0, n).mapToObj(i -> Storm.targetOf(i, n, k)).toList();
    }

    @Test
    void everyTargetNeedsAClientAndIsListedOnce() throws Exception {
        List<InetAddress> abc = SourceAddresses.parse("127.0.0.1-127.0.0.3");
        InetAddress a = abc.get(0);
        InetAddress b = abc.get(1);
        InetAddress c = abc.get(2);
        IllegalArgumentException more = assertThrows(
                IllegalArgumentException.class,
                () -> new Storm(request("x"), List.of(a, b, c), EIGHT.subList(0, 2), Duration.ofSeconds(1)));
        assertEquals("3 targets for 2 clients: each needs a client", more.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> new Storm(request("x"), List.of(a, b, a), EIGHT, Duration.ofSeconds(1)));
        assertThrows(
                IllegalArgumentException.class, () -> new Storm(request("x"), List.of(), EIGHT, Duration.ofSeconds(1)));
        // As many targets as clients is fine.
        new Storm(request("x"), List.of(a, b, c), EIGHT.subList(0, 3), Duration.ofSeconds(1));
    }

    /**
     * Two servers on two loopback addresses (one port, as a storm's targets share it): each
     * serves exactly its turn of the clients, and every result says which one it fetched from.
     */
    @Test
    void eachOfTwoTargetsServesExactlyItsTurnOfTheClients() throws Exception {
        InetAddress first = InetAddress.getLoopbackAddress();
        InetAddress second = SourceAddresses.parse("127.0.0.2").get(0);
        byte[] other = random(50_000, 6);
        try (FakeTftpServer server2 =
                FakeTftpServer.start(second, server.port()).serve("ARDBP32.BIN", other)) {
            // Clients from 127.0.1.x, so that no source is also a server's address.
            List<InetAddress> five = SourceAddresses.parse("127.0.1.1-127.0.1.5");

            StormResult r =
                    new Storm(request("ARDBP32.BIN"), List.of(first, second), five, Duration.ofSeconds(30)).run();

            assertEquals(5, r.completed(), r.failures().toString());
            assertEquals(List.of(first, second), r.targets());
            assertEquals(first, r.request().server(), "the summary's request names the first target");
            assertEquals(
                    List.of(first, second, first, second, first),
                    r.clients().stream().map(ClientResult::target).toList());
            List<InetAddress> odd = List.of(five.get(0), five.get(2), five.get(4));
            List<InetAddress> even = List.of(five.get(1), five.get(3));
            assertEquals(
                    odd, r.clientsOf(first).stream().map(ClientResult::source).toList());
            assertEquals(
                    even, r.clientsOf(second).stream().map(ClientResult::source).toList());
            // What each server saw, and what each client got (the two serve different content).
            assertEquals(Set.copyOf(odd), Set.copyOf(server.requesters()));
            assertEquals(Set.copyOf(even), Set.copyOf(server2.requesters()));
            assertEquals(
                    List.of(sha256(FILE), sha256(other), sha256(FILE), sha256(other), sha256(FILE)),
                    r.clients().stream().map(ClientResult::sha256).toList());
            assertEquals(3L * FILE.length + 2L * other.length, r.bytes());
        }
    }

    @Test
    void oneTargetServesEveryClient() throws Exception {
        StormResult r = new Storm(request("ARDBP32.BIN"), EIGHT.subList(0, 2), Duration.ofSeconds(30)).run();

        assertEquals(List.of(InetAddress.getLoopbackAddress()), r.targets());
        assertTrue(r.clients().stream().allMatch(c -> c.target().equals(InetAddress.getLoopbackAddress())));
        assertEquals(2, r.clientsOf(InetAddress.getLoopbackAddress()).size());
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
