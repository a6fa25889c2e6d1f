package dsrlb.balance;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dsrlb.net.Ipv4;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What {@code -connfailover STATELESS} relies on: when one of N backends leaves the pool, its
 * clients are spread over the others and almost no other client moves (Maglev's "minimal
 * disruption"), at the table size dsrlb really uses.
 */
class MaglevDisruptionTest {
    private static final int CLIENTS = 100_000;
    /** Clients of surviving backends that may move: the paper's small extra disruption. */
    private static final double SLACK = 0.02;

    static List<Arguments> pools() {
        List<Arguments> pools = new ArrayList<>();
        for (int n = 2; n <= 10; n++) {
            int[] equal = new int[n];
            java.util.Arrays.fill(equal, 1);
            int[] mixed = new int[n];
            for (int i = 0; i < n; i++) {
                mixed[i] = 1 + i % 4; // weights 1, 2, 3, 4, 1, 2, …
            }
            for (int removed : new int[] {0, n / 2, n - 1}) {
                pools.add(Arguments.of(n, equal, removed));
                pools.add(Arguments.of(n, mixed, removed));
            }
        }
        return pools;
    }

    @ParameterizedTest(name = "N={0} weights={1} remove #{2}")
    @MethodSource("pools")
    void removingOneBackendMovesAboutItsShareOfClients(int n, int[] weights, int removed) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            names.add("tftp" + (i + 1));
        }
        int size = Maglev.tableSizeFor(n, Maglev.DEFAULT_TABLE_SIZE);
        int[] before = Maglev.build(names, weights, size);

        List<String> survivors = new ArrayList<>(names);
        survivors.remove(removed);
        int[] survivorWeights = new int[n - 1];
        for (int i = 0, j = 0; i < n; i++) {
            if (i != removed) {
                survivorWeights[j++] = weights[i];
            }
        }
        int sizeAfter = Maglev.tableSizeFor(n - 1, Maglev.DEFAULT_TABLE_SIZE);
        int[] after = Maglev.build(survivors, survivorWeights, sizeAfter);

        int base = Ipv4.parse("10.0.0.0");
        int moved = 0;
        int movedBystanders = 0;
        int onRemoved = 0;
        for (int c = 0; c < CLIENTS; c++) {
            int client = base + c * 7; // spread over a /12, like a campus of PXE clients
            String was = names.get(before[Maglev.slot(client, size)]);
            String is = survivors.get(after[Maglev.slot(client, sizeAfter)]);
            if (was.equals(names.get(removed))) {
                onRemoved++;
            }
            if (!was.equals(is)) {
                moved++;
                if (!was.equals(names.get(removed))) {
                    movedBystanders++;
                }
            }
        }
        int totalWeight = java.util.Arrays.stream(weights).sum();
        double share = (double) weights[removed] / totalWeight;
        double movedFraction = (double) moved / CLIENTS;
        String what = String.format(
                "moved %.4f (bystanders %.4f), removed backend's share %.4f, on it %d",
                movedFraction, (double) movedBystanders / CLIENTS, share, onRemoved);
        // Every client of the removed backend must move; anything beyond that is disruption.
        assertTrue(moved >= onRemoved, what);
        assertTrue((double) movedBystanders / CLIENTS <= SLACK, what);
        // The bound: with equal weights the share is 1/N.
        assertTrue(movedFraction <= share + SLACK, what);
        if (allEqual(weights)) {
            assertTrue(movedFraction <= 1.0 / n + SLACK, what);
        }
    }

    private static boolean allEqual(int[] w) {
        for (int x : w) {
            if (x != w[0]) {
                return false;
            }
        }
        return true;
    }
}
