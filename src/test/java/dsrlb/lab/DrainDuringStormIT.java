package dsrlb.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dsrlb.control.ControlClient;
import dsrlb.control.ResponseReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * `disable service --graceful` in the middle of a storm: the storm's transfers on the drained
 * service all finish intact, a second wave of new clients all go to the other service, the
 * drained one reaches OUT OF SERVICE once its clients are quiet, and `enable` brings it back.
 */
class DrainDuringStormIT extends DsrlbLabTest {
    static final String FIRST_WAVE = "192.0.2.32-192.0.2.91";
    static final String SECOND_WAVE = "192.0.2.92-192.0.2.111";

    @Override
    String[] labOptions() {
        return new String[] {"--offload", "on"};
    }

    private Lab.Result dsrlbCli(String... args) {
        List<String> cmd = new ArrayList<>(List.of("java", "-jar", Lab.JAR.toString()));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("--control-socket", socket.toString()));
        return Lab.runQuietly(30, cmd.toArray(String[]::new));
    }

    private static Lab.Result storm(String sources, String file, String sha, int blksize) {
        return Lab.inNamespace(
                Lab.CLIENT_NS,
                180,
                "java",
                "-jar",
                Lab.JAR.toString(),
                "storm",
                "--target",
                Lab.VIP,
                "--file",
                file,
                "--sources",
                sources,
                "--blksize",
                Integer.toString(blksize),
                "--expect-sha256",
                sha,
                "--no-progress",
                "--max-time",
                "120",
                "--retries",
                "8",
                "--json");
    }

    private String state(String service) {
        Lab.Result r = dsrlbCli("show", "service", service);
        for (String l : r.out().split("\n", -1)) {
            if (l.startsWith("\tState: ")) {
                return l.substring("\tState: ".length()).strip();
            }
        }
        return "? " + r;
    }

    @Test
    void aGracefulDrainDuringAStormLosesNoTransferAndTakesNoNewClient() throws Exception {
        Lab.resetServedBy();
        String boot = Lab.sha256(Lab.served("ARDBP32.BIN"));
        // 60 clients x 256 KiB in 128-byte blocks: 2048 lock-step ACKs each, ~10 s here.
        CompletableFuture<Lab.Result> firstWave =
                CompletableFuture.supplyAsync(() -> storm(FIRST_WAVE, "ARDBP32.BIN", boot, 128));
        Thread.sleep(2_000);
        // The request goes from this JVM: a CLI JVM starting on two cores busy with the storm
        // once took 12 s, and the drain came after the wave.
        String answer = ControlClient.request(socket, "disable service tftp1 -graceful YES", Duration.ofSeconds(20));
        assertFalse(firstWave.isDone(), "the drain must come while the first wave runs: " + firstWave.getNow(null));
        assertEquals("GOING OUT OF SERVICE", ResponseReader.of(answer).serviceState(), answer);

        String small = Lab.sha256(Lab.served("k64.bin"));
        Lab.Result second = storm(SECOND_WAVE, "k64.bin", small, 1428);
        assertEquals(0, second.exit(), second.toString());
        Lab.Result first = firstWave.get();
        assertEquals(0, first.exit(), "every transfer of the first wave finished intact: " + first);
        assertTrue(first.out().contains("\"completed\":60"), first.out().substring(0, 400));

        Map<String, List<String>> served = Lab.servedBy();
        int onTftp1 = 0;
        for (int i = 32; i <= 91; i++) {
            List<String> b = served.get("192.0.2." + i);
            assertTrue(b != null && b.size() == 1, "192.0.2." + i + " served by " + b);
            onTftp1 += b.get(0).equals("tftp1") ? 1 : 0;
        }
        assertTrue(onTftp1 >= 20, "the first wave was spread, tftp1 had " + onTftp1 + " of 60 when it was drained");
        for (int i = 92; i <= 111; i++) {
            assertEquals(List.of("tftp2"), served.get("192.0.2." + i), "new client 192.0.2." + i);
        }

        long deadline = System.nanoTime() + 15_000_000_000L;
        while (!state("tftp1").equals("OUT OF SERVICE") && System.nanoTime() < deadline) {
            Thread.sleep(250);
        }
        assertEquals("OUT OF SERVICE", state("tftp1"), "drained once its clients were quiet");
        Lab.check(dsrlbCli("enable", "service", "tftp1"), "enable");
        assertEquals("UP", state("tftp1"));
    }
}
