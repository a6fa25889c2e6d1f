package dsrlb.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Reload in the lab: a bad config (by `dsrlb reload` and by SIGHUP) keeps the old one serving
 * and says where it is wrong; a good one is taken without losing a persisted client.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReloadIT extends DsrlbLabTest {
    static final String CLIENT = "192.0.2.170";

    Path config;
    String seed;
    String backend;

    @Override
    Path config() throws IOException {
        seed = Files.readString(Lab.BASEDIR.resolve("examples/seed.conf"));
        config = dir.resolve("dsrlb.conf");
        Files.writeString(config, seed);
        return config;
    }

    private Lab.Result reload() {
        return Lab.runQuietly(30, "java", "-jar", Lab.JAR.toString(), "reload", "--control-socket", socket.toString());
    }

    /** Downloads through the VIP and returns the backend that served it (the backends' own record). */
    private String download(String tag) throws IOException {
        Lab.resetServedBy();
        Path out = dir.resolve("out-" + tag);
        Lab.Result r = TftpClient.CURL.download(Lab.VIP, "k64.bin", out, CLIENT, 20);
        assertTrue(r.ok(), tag + ": " + r);
        assertEquals(Lab.sha256(Lab.served("k64.bin")), Lab.sha256(out), tag);
        List<String> served = Lab.servedBy().get(CLIENT);
        assertTrue(served != null && served.size() == 1, tag + ": served by " + served);
        return served.get(0);
    }

    @Test
    @Order(1)
    void aBadConfigIsRefusedWithItsLineAndTheOldOneKeepsServing() throws IOException {
        backend = download("before");
        int badLine = (int) seed.lines().count() + 1;
        Files.writeString(config, seed + "bind lb vserver tftp tftp9\n");
        Lab.Result r = reload();
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains(config + ":" + badLine + ": "), r.toString());
        assertTrue(r.err().contains("the previous config keeps running"), r.toString());
        assertTrue(
                dsrlb.log()
                        .contains(
                                "reload refused, still running the previous config: " + config + ":" + badLine + ": "),
                dsrlb.log());
        assertEquals(backend, download("after a refused reload"), "the persisted client kept its backend");
    }

    @Test
    @Order(2)
    void sighupWithABadConfigIsRefusedToo() throws Exception {
        long refusedBefore =
                dsrlb.log().lines().filter(l -> l.contains("reload refused")).count();
        Lab.check(Lab.runQuietly(10, "kill", "-HUP", Long.toString(dsrlb.pid())), "kill -HUP");
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline
                && dsrlb.log().lines().filter(l -> l.contains("reload refused")).count() == refusedBefore) {
            Thread.sleep(100);
        }
        assertEquals(
                refusedBefore + 1,
                dsrlb.log().lines().filter(l -> l.contains("reload refused")).count(),
                dsrlb.log());
        assertTrue(dsrlb.isAlive());
    }

    @Test
    @Order(3)
    void aGoodConfigIsTakenAndThePersistedClientStays() throws IOException {
        // Every line moves down; a vserver option changes: the services are the same.
        Files.writeString(config, "# reloaded\n" + seed.replace("-timeout 100", "-timeout 90"));
        Lab.Result r = reload();
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("services unchanged [tftp1, tftp2]"), r.toString());
        assertTrue(r.out().contains("persisted clients kept"), r.toString());
        assertEquals(backend, download("after the reload"), "the persisted client kept its backend");
        Lab.Result show = Lab.runQuietly(
                30, "java", "-jar", Lab.JAR.toString(), "show", "service", "--control-socket", socket.toString());
        assertEquals(2, show.out().lines().filter(l -> l.contains(" UP ")).count(), show.toString());
    }
}
