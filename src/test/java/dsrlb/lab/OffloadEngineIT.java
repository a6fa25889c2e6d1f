package dsrlb.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dsrlb.control.ResponseReader;
import dsrlb.status.GlobalReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * The whole DSR suite on {@code --engine offload} (tftpd-hpa, checksum offload on), plus what
 * only this engine promises: the kernel carries the ACK stream, dsrlb sees a client's first
 * packets, and a service that stops taking clients loses them in the kernel too.
 */
class OffloadEngineIT extends TftpdHpaOffloadOnIT {
    private Path socket;

    @Override
    String[] dsrlbArgs() {
        try {
            socket = Files.createTempDirectory("dsrlb-offload-it").resolve("dsrlb.sock");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new String[] {"--engine", "offload", "--control-socket", socket.toString()};
    }

    private GlobalReport stat() throws Exception {
        return ResponseReader.of(Lab.cli(socket, "stat", "lb", "vserver")).global();
    }

    /** The kernel's view is read back every second (--offload-sync 1). */
    private static void waitForSync() throws InterruptedException {
        Thread.sleep(2_200);
    }

    @Test
    @Order(6)
    void theKernelCarriesTheAckStreamAndDsrlbSeesOnlyTheFirstPackets() throws Exception {
        GlobalReport before = stat();
        Path out = tmp.resolve("kernel-m5");
        Lab.Result r = TftpClient.CURL.download(Lab.VIP, "m5.bin", out, "192.0.2.200", 60);
        assertTrue(r.ok(), r.toString());
        assertEquals(Lab.sha256(Lab.served("m5.bin")), Lab.sha256(out));
        waitForSync();
        GlobalReport after = stat();
        long seen = after.received() - before.received();
        long kernel = after.kernelPath().packets() - before.kernelPath().packets();
        // 5 MiB in 512-byte blocks is 10 240 ACKs.
        assertTrue(kernel >= 10_000, "kernel forwarded " + kernel);
        assertTrue(seen < 100, "dsrlb received " + seen + " frames for one client's 5 MB download");
        assertTrue(after.kernelPath().clients() >= 1, after.toString());
        assertEquals(0, after.kernelPath().failures(), after.toString());
    }

    @Test
    @Order(7)
    void aDisabledServiceLosesItsClientsInTheKernelToo() throws Exception {
        Lab.resetServedBy();
        String src = "192.0.2.210";
        Path out = tmp.resolve("disable-1");
        assertTrue(TftpClient.CURL.download(Lab.VIP, "k64.bin", out, src, 20).ok());
        List<String> first = Lab.servedBy().get(src);
        assertEquals(1, first.size(), first.toString());
        String was = first.get(0);
        String other = was.equals("tftp1") ? "tftp2" : "tftp1";
        assertTrue(kernelMap().contains(src), kernelMap());
        Lab.check(
                Lab.runQuietly(
                        30,
                        "java",
                        "-jar",
                        Lab.JAR.toString(),
                        "disable",
                        "service",
                        was,
                        "--control-socket",
                        socket.toString()),
                "disable " + was);
        try {
            waitForSync();
            assertFalse(kernelMap().contains(src + " "), "still in the kernel after disable: " + kernelMap());
            Lab.resetServedBy();
            Path again = tmp.resolve("disable-2");
            Lab.Result r = TftpClient.CURL.download(Lab.VIP, "k64.bin", again, src, 20);
            assertTrue(r.ok(), r.toString());
            assertEquals(Lab.sha256(Lab.served("k64.bin")), Lab.sha256(again));
            assertEquals(List.of(other), Lab.servedBy().get(src), "re-picked to the other backend");
        } finally {
            Lab.runQuietly(
                    30,
                    "java",
                    "-jar",
                    Lab.JAR.toString(),
                    "enable",
                    "service",
                    was,
                    "--control-socket",
                    socket.toString());
        }
    }

    private static String kernelMap() {
        Lab.Result r = Lab.inNamespace(Lab.LB_NS, 10, "nft", "list", "ruleset");
        List<String> lines = new ArrayList<>();
        for (String l : r.out().split("\n", -1)) {
            if (l.contains("192.0.2.")) {
                lines.add(l.strip());
            }
        }
        return String.join("\n", lines) + "\n";
    }
}
