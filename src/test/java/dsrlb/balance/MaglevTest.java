package dsrlb.balance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dsrlb.net.IpAddress;
import dsrlb.net.Ipv4;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MaglevTest {
    @Test
    void everySlotIsFilledAndSharesAreEven() {
        int[] t = Maglev.build(List.of("tftp1", "tftp2", "tftp3"), new int[] {1, 1, 1}, 65_537);
        int[] count = new int[3];
        for (int s : t) {
            count[s]++;
        }
        for (int c : count) {
            assertTrue(Math.abs(c - 65_537 / 3) <= 2, java.util.Arrays.toString(count));
        }
    }

    @Test
    void weightsShapeTheShares() {
        int[] t = Maglev.build(List.of("a", "b"), new int[] {3, 1}, 4099);
        int a = 0;
        for (int s : t) {
            a += s == 0 ? 1 : 0;
        }
        assertEquals(0.75, a / 4099.0, 0.01);
    }

    @Test
    void theTableDependsOnlyOnNamesAndWeights() {
        int[] t1 = Maglev.build(List.of("x", "y"), new int[] {1, 1}, 251);
        int[] t2 = Maglev.build(List.of("x", "y"), new int[] {1, 1}, 251);
        assertArrayEquals(t1, t2);
    }

    @Test
    void aFixedClientHashesToAFixedSlot() {
        // Pinned: a change of the mix would move every client of every deployed dsrlb.
        // 192.0.2.10 → SplitMix64 finalizer → mod 65537, computed independently.
        assertEquals(44_042, Maglev.slot(0xc000020a, 65_537));
    }

    @Test
    void theTableSizeIsAPrimeOfAtLeastAHundredSlotsPerBackend() {
        assertEquals(65_537, Maglev.tableSizeFor(10, Maglev.DEFAULT_TABLE_SIZE));
        assertTrue(Maglev.isPrime(Maglev.DEFAULT_TABLE_SIZE));
        for (int n : new int[] {1, 2, 7, 655, 656, 1000, 5000}) {
            int size = Maglev.tableSizeFor(n, Maglev.DEFAULT_TABLE_SIZE);
            assertTrue(Maglev.isPrime(size), n + " → " + size);
            assertTrue(size >= 100 * n && size >= Maglev.DEFAULT_TABLE_SIZE, n + " → " + size);
        }
        assertEquals(65_609, Maglev.tableSizeFor(656, Maglev.DEFAULT_TABLE_SIZE)); // 65 600 → next prime
        assertEquals(257, Maglev.tableSizeFor(2, 257));
    }

    @Test
    void anIpv4ClientsSlotIsTheSameInTheFamilyNeutralForm() {
        // IPv4 users' clients must not move when the balancer went 128-bit (issue 17).
        assertEquals(44_042, Maglev.slot(0, IpAddress.mappedLow(0xc000020a), 65_537));
        java.util.Random r = new java.util.Random(17);
        for (int i = 0; i < 10_000; i++) {
            int ip = r.nextInt();
            for (int size : new int[] {251, 65_537, 65_609}) {
                assertEquals(Maglev.slot(ip, size), Maglev.slot(0, IpAddress.mappedLow(ip), size), Ipv4.format(ip));
            }
        }
    }

    @Test
    void anIpv6ClientsSlotUsesAll128Bits() {
        int size = 65_537;
        // Pinned like the IPv4 one: mix64(high ^ mix64(low)) mod size for 2001:db8:1::10,
        // computed independently with the SplitMix64 finalizer (Python, arbitrary precision).
        assertEquals(48_069, Maglev.slot(0x2001_0db8_0001_0000L, 0x10L, size));
        // Clients differing only in the high or only in the low half land on different slots,
        // and the slots of a /64's hosts and of many /48s are spread over the table.
        int[] byLow = new int[16];
        int[] byHigh = new int[16];
        Set<Integer> lowSlots = new HashSet<>();
        Set<Integer> highSlots = new HashSet<>();
        for (int c = 0; c < 16_000; c++) {
            int s1 = Maglev.slot(0x2001_0db8_0001_0000L, c, size);
            int s2 = Maglev.slot(0x2001_0db8_0000_0000L + ((long) c << 16), 0x10L, size);
            lowSlots.add(s1);
            highSlots.add(s2);
            byLow[s1 * 16 / size]++;
            byHigh[s2 * 16 / size]++;
        }
        // 16 000 keys into 65 537 slots: about 14 400 distinct if the mix is uniform.
        assertTrue(lowSlots.size() > 14_000, "low half: " + lowSlots.size());
        assertTrue(highSlots.size() > 14_000, "high half: " + highSlots.size());
        for (int b = 0; b < 16; b++) {
            assertTrue(Math.abs(byLow[b] - 1000) < 150, java.util.Arrays.toString(byLow));
            assertTrue(Math.abs(byHigh[b] - 1000) < 150, java.util.Arrays.toString(byHigh));
        }
        // An IPv6 address whose low half equals an IPv4 client's mapped form is another client.
        int v4 = 0xc000020a;
        assertNotEquals(Maglev.slot(v4, size), Maglev.slot(0x2001_0db8_0000_0000L, IpAddress.mappedLow(v4), size));
    }
}
