package dsrlb.balance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dsrlb.net.IpAddress;
import dsrlb.testing.FakeTicker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The per-service client counts that status reads instead of walking the table: after every
 * kind of change they must equal what a walk of the table finds.
 */
class PersistenceTest {
    static final int SERVICES = 3;
    final FakeTicker ticker = new FakeTicker();

    private Persistence table(long maxEntries) {
        return new Persistence(Duration.ofMinutes(10), maxEntries, ticker, SERVICES);
    }

    private static long[] counts(Persistence p) {
        long[] out = new long[SERVICES];
        for (int id = 0; id < SERVICES; id++) {
            out[id] = p.clients(id);
        }
        return out;
    }

    /** What the status used to compute: one walk over every entry. */
    private static long[] walked(Persistence p) {
        long[] out = new long[SERVICES];
        p.forEach((high, low, id) -> out[id]++);
        return out;
    }

    @Test
    void newClientsCountOnTheirService() {
        Persistence p = table(1000);
        p.remember(1, 0);
        p.remember(2, 0);
        p.remember(3, 1);
        assertArrayEquals(new long[] {2, 1, 0}, counts(p));
        assertEquals(0, p.clients(-1));
        assertEquals(0, p.clients(SERVICES));
    }

    @Test
    void aPersistenceHitOrTheSameServiceAgainCountsOnce() {
        Persistence p = table(1000);
        p.remember(1, 2);
        for (int i = 0; i < 5; i++) {
            assertEquals(2, p.lookup(1));
        }
        p.remember(1, 2);
        p.keepAlive(1, 2);
        p.keepAlive(1, 0);
        assertArrayEquals(new long[] {0, 0, 1}, counts(p));
    }

    @Test
    void aClientGivenAnotherServiceMovesBetweenCounts() {
        Persistence p = table(1000);
        p.remember(1, 0);
        p.remember(2, 0);
        p.remember(1, 1);
        assertArrayEquals(new long[] {1, 1, 0}, counts(p));
        p.remember(1, 2);
        assertArrayEquals(new long[] {1, 0, 1}, counts(p));
        assertArrayEquals(walked(p), counts(p));
    }

    @Test
    void keepAliveAddsAClientTheTableDidNotHave() {
        Persistence p = table(1000);
        p.keepAlive(7, 1);
        p.keepAlive(7, 1);
        assertArrayEquals(new long[] {0, 1, 0}, counts(p));
    }

    @Test
    void idleClientsLeaveTheirCountWhenTheyExpire() {
        Persistence p = table(1000);
        p.remember(1, 0);
        p.remember(2, 1);
        ticker.advance(Duration.ofMinutes(5));
        assertEquals(0, p.lookup(1), "still there; the access restarts its idle time");
        ticker.advance(Duration.ofMinutes(6));
        assertEquals(1, p.size(), "client 2 idled past the timeout");
        assertArrayEquals(new long[] {1, 0, 0}, counts(p));
        ticker.advance(Duration.ofMinutes(11));
        assertEquals(0, p.size());
        assertArrayEquals(new long[] {0, 0, 0}, counts(p));
        assertEquals(2, p.evictions());
    }

    @Test
    void anExpiredClientThatComesBackCountsOnceOnItsNewService() {
        Persistence p = table(1000);
        p.remember(1, 0);
        p.keepAlive(2, 0);
        ticker.advance(Duration.ofMinutes(11));
        // No cleanUp in between: the writes find the expired entries and replace them.
        p.remember(1, 1);
        p.keepAlive(2, 2);
        assertArrayEquals(new long[] {0, 1, 1}, counts(p));
        assertEquals(2, p.size());
        assertArrayEquals(walked(p), counts(p));
    }

    @Test
    void sizeEvictionTakesClientsOffTheirCounts() {
        Persistence p = table(100);
        for (int c = 0; c < 1000; c++) {
            p.remember(c, c % SERVICES);
        }
        long size = p.size();
        assertEquals(100, size);
        long[] counts = counts(p);
        assertEquals(size, counts[0] + counts[1] + counts[2]);
        assertArrayEquals(walked(p), counts);
        assertEquals(900, p.evictions());
    }

    @Test
    void randomChurnKeepsTheCountsEqualToTheTable() {
        Persistence p = table(500);
        Random random = new Random(16);
        for (int step = 0; step < 50_000; step++) {
            int client = random.nextInt(2000);
            int service = random.nextInt(SERVICES);
            switch (random.nextInt(10)) {
                case 0 -> ticker.advance(Duration.ofSeconds(random.nextInt(120)));
                case 1 -> p.keepAlive(client, service);
                case 2, 3 -> p.lookup(client);
                default -> p.remember(client, service);
            }
        }
        p.size();
        long[] counts = counts(p);
        assertArrayEquals(walked(p), counts);
        assertEquals(p.size(), counts[0] + counts[1] + counts[2]);
    }

    @Test
    void ipv6ClientsAreKeyedByAll128Bits() {
        Persistence p = table(1000);
        IpAddress a = IpAddress.parse("2001:db8:1::10");
        IpAddress b = IpAddress.parse("2001:db8:2::10");
        IpAddress c = IpAddress.parse("2001:db8:1::11");
        p.remember(a, 0);
        p.remember(b.high(), b.low(), 1);
        assertEquals(0, p.lookup(a.high(), a.low()));
        assertEquals(1, p.lookup(b.high(), b.low()), "same low half, other high half: another client");
        assertEquals(-1, p.lookup(c.high(), c.low()), "same high half, other low half: unknown");
        assertEquals(-1, p.lookup(0, a.low()), "the low half alone is not the client");
        assertArrayEquals(new long[] {1, 1, 0}, counts(p));
        List<IpAddress> visited = new ArrayList<>();
        p.forEach((high, low, id) -> visited.add(new IpAddress(high, low)));
        assertEquals(Set.of(a, b), Set.copyOf(visited));
    }

    @Test
    void anIpv4ClientIsItsMappedFormAndNoIpv6ClientWithTheSameLowHalf() {
        Persistence p = table(1000);
        int v4 = 0xc000020a; // 192.0.2.10
        p.remember(v4, 2);
        assertEquals(2, p.lookup(0, IpAddress.mappedLow(v4)), "one key space: an IPv4 client is ::ffff:a.b.c.d");
        assertEquals(
                2, p.lookup(IpAddress.ofIpv4(v4).high(), IpAddress.ofIpv4(v4).low()));
        assertEquals(-1, p.lookup(0x2001_0db8_0000_0000L, IpAddress.mappedLow(v4)));
        assertEquals(-1, p.lookup(0, v4 & 0xffff_ffffL), "::c000:20a (IPv4-compatible) is another address");
        p.keepAlive(v4, 0);
        assertEquals(2, p.lookup(v4), "keepAlive does not replace a known client");
        p.remember(IpAddress.parse("2001:db8::c000:20a"), 1);
        assertArrayEquals(new long[] {0, 1, 1}, counts(p));
        assertArrayEquals(walked(p), counts(p));
    }

    @Test
    void randomIpv6ChurnKeepsTheCountsEqualToTheTable() {
        Persistence p = table(500);
        Random random = new Random(17);
        for (int step = 0; step < 20_000; step++) {
            // 2000 clients over 4 prefixes: collisions in either half only.
            long high = 0x2001_0db8_0000_0000L + random.nextInt(4);
            long low = random.nextInt(500);
            int service = random.nextInt(SERVICES);
            switch (random.nextInt(10)) {
                case 0 -> ticker.advance(Duration.ofSeconds(random.nextInt(120)));
                case 1, 2 -> p.lookup(high, low);
                default -> p.remember(high, low, service);
            }
        }
        long[] counts = counts(p);
        assertArrayEquals(walked(p), counts);
        assertEquals(p.size(), counts[0] + counts[1] + counts[2]);
    }
}
