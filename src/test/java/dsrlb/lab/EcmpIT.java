package dsrlb.lab;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Scale-out (lab/up --ecmp): two active dsrlb nodes, the router reaching the VIP over an ECMP
 * route through both (L3 hash). A 200-client storm completes, every client is served by one
 * backend only, and both nodes carried traffic (their own counters, over their own control
 * sockets). SOURCEIPHASH makes the nodes agree without talking to each other.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EcmpIT {
    static final int CLIENTS = 200;
    static final Path CONFIG = Lab.BASEDIR.resolve("examples/ha.conf");

    DsrlbProcess lb1;
    DsrlbProcess lb2;

    @BeforeAll
    void start() throws IOException {
        Lab.requireNamespaces();
        Lab.down();
        Lab.up("--ecmp");
        lb1 = DsrlbProcess.start(CONFIG, "--control-socket", HaIT.socket("lb").toString());
        lb2 = DsrlbProcess.startIn(
                HaIT.LB2_NS, CONFIG, "--control-socket", HaIT.socket("lb2").toString());
    }

    @AfterAll
    void stop() {
        for (DsrlbProcess p : new DsrlbProcess[] {lb1, lb2}) {
            if (p != null) {
                p.stop().lines().filter(l -> l.contains("counters")).forEach(l -> System.out.println("dsrlb| " + l));
                p.close();
            }
        }
        Lab.down();
    }

    @Test
    void aStormOverTwoActiveNodesCompletesEachClientOnOneBackendBothNodesUsed() throws Exception {
        String sha = Lab.sha256(Lab.served("ARDBP32.BIN"));
        Lab.resetServedBy();
        long before1 = HaIT.forwarded("lb");
        long before2 = HaIT.forwarded("lb2");

        // 8 retries 1 s apart, as PXE firmware and StormIT/HaIT: with 5, one of 200 clients once
        // got no first reply for 6 s from two tftpd-hpa servers sharing 2 cores with it all.
        Lab.Result r = StormIT.storm(Lab.VIP, "--expect-sha256", sha, "--json");

        HaIT.checkStorm("storm over ECMP", r, sha, new HashMap<>());
        Thread.sleep(2_200); // the kernel path's counters are read back every second
        long via1 = HaIT.forwarded("lb") - before1;
        long via2 = HaIT.forwarded("lb2") - before2;
        System.out.printf(Locale.ROOT, "frames forwarded: lb %d, lb2 %d%n", via1, via2);
        // 200 clients × (RRQ + 184 ACKs) ≈ 37 000 frames; an L3 hash over 200 sources cannot
        // leave a node with less than a tenth of them unless the route is not multipath.
        long total = via1 + via2;
        assertTrue(total >= CLIENTS * 185L, "frames forwarded in all: " + total);
        assertTrue(via1 > total / 10 && via2 > total / 10, "both nodes carried traffic: lb " + via1 + ", lb2 " + via2);
    }
}
