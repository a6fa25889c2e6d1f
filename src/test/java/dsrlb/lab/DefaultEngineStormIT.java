package dsrlb.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * dsrlb as a new user starts it: `dsrlb run --config …`, no --engine. As root in the lab it must
 * take the kernel fast path by itself, and the 200-client storm of {@link StormIT} runs on that.
 */
class DefaultEngineStormIT extends StormIT {
    @Override
    String engine() {
        return null;
    }

    @Test
    @Order(0)
    void withoutAnEngineFlagDsrlbChoosesTheKernelPath() {
        String log = dsrlb.log();
        assertTrue(log.contains("engine offload (chosen by --engine auto)"), log);
        assertTrue(log.contains(", engine offload\n"), log);
        Lab.Result tables = Lab.check(Lab.inNamespace(Lab.LB_NS, 10, "nft", "list", "tables"), "nft list tables");
        List<String> ours = Arrays.stream(tables.out().split("\n"))
                .filter(l -> l.startsWith("table netdev dsrlb_"))
                .toList();
        assertEquals(1, ours.size(), tables.out());
        Lab.Result ruleset = Lab.check(Lab.inNamespace(Lab.LB_NS, 10, "nft", "list", "ruleset"), "nft list ruleset");
        assertTrue(
                ruleset.out().contains("ip daddr " + Lab.VIP + " ether daddr set ip saddr map @client_0"),
                ruleset.out());
    }
}
