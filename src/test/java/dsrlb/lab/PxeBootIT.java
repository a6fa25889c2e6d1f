package dsrlb.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Real network-boot firmware through the VIP: QEMU machines (TCG) whose e1000 NIC carries
 * Debian's iPXE ROM get a lease from the PXE LAN's DHCP server (next-server = the VIP) and boot a
 * Debian kernel and a busybox initramfs through dsrlb, from an iPXE script, through SYSLINUX's
 * pxelinux.0 (its own TFTP client: ldlinux.c32, the config search, kernel, initrd), or as UEFI
 * machines (OVMF's own PXE client loads iPXE's snponly.efi, which runs the script).
 * The booted Linux fetches ARDBP32.BIN through the VIP once more and writes its sha256 to the
 * serial console, which is all this test reads of the machines (lab/pxe). At most three machines
 * at once: TCG on two cores.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PxeBootIT {
    static final Path PXE = Lab.BASEDIR.resolve("lab/pxe");

    Path tmp;
    String sha;
    DsrlbProcess dsrlb;

    @BeforeAll
    void startLab() throws IOException {
        Lab.requireNamespaces();
        Lab.down();
        Lab.up();
        Lab.check(Lab.runQuietly(900, PXE.toString(), "up"), "lab/pxe up");
        sha = Lab.sha256(Lab.served("ARDBP32.BIN"));
        tmp = Files.createTempDirectory("dsrlb-pxe-it");
    }

    @AfterEach
    void stopDsrlb() {
        if (dsrlb != null) {
            dsrlb.close();
            dsrlb = null;
        }
    }

    @AfterAll
    void stopLab() {
        Lab.down();
    }

    /** Boots {@code machines} at once; returns the table's line of each machine. */
    private List<String> boot(int machines, String firmware) {
        Lab.Result r = Lab.runQuietly(
                400,
                PXE.toString(),
                "boot",
                "--machines",
                Integer.toString(machines),
                "--firmware",
                firmware,
                "--timeout",
                "300");
        System.out.println(r.out());
        assertEquals(0, r.exit(), r.toString() + "\n--- dsrlb\n" + (dsrlb == null ? "" : dsrlb.log()));
        List<String> lines = Arrays.stream(r.out().split("\n"))
                .filter(l -> l.startsWith("pxe"))
                .toList();
        assertEquals(machines, lines.size(), r.out());
        for (String l : lines) {
            assertTrue(
                    l.contains("ARDBP32.BIN 262144 bytes sha256 " + sha + " via " + Lab.VIP),
                    "machine's own line: " + l);
        }
        return lines;
    }

    @Test
    @Order(1)
    void everyFirmwareTypeBootsLinuxThroughTheDefaultEngine() throws Exception {
        dsrlb = DsrlbProcess.start(
                Lab.BASEDIR.resolve("examples/seed.conf"),
                "--control-socket",
                tmp.resolve("default.sock").toString());
        assertTrue(dsrlb.log().contains("engine offload (chosen by --engine auto)"), dsrlb.log());
        Lab.resetServedBy();
        List<String> lines = boot(3, "all");
        assertTrue(
                lines.get(0).contains(" ipxe ")
                        && lines.get(1).contains(" pxelinux ")
                        && lines.get(2).contains(" uefi "),
                lines.toString());
        // The backends' own record: each machine's boot files came from one backend, through the VIP.
        for (List<String> served : Lab.servedBy().entrySet().stream()
                .filter(e -> e.getKey().startsWith("203.0.113."))
                .map(java.util.Map.Entry::getValue)
                .toList()) {
            assertEquals(1, served.size(), "a machine's transfers all went to one backend: " + Lab.servedBy());
        }
        assertEquals(
                3,
                Lab.servedBy().keySet().stream()
                        .filter(c -> c.startsWith("203.0.113."))
                        .count(),
                Lab.servedBy().toString());
    }

    @Test
    @Order(2)
    void firmwareBootsLinuxThroughThePcapEngine() throws Exception {
        dsrlb = DsrlbProcess.start(
                Lab.BASEDIR.resolve("examples/seed.conf"),
                "--engine",
                "pcap",
                "--control-socket",
                tmp.resolve("pcap.sock").toString());
        boot(3, "all");
    }

    /**
     * A backend's TFTP server stops while the machines boot: the monitor takes it out, its
     * machines' next tries go to the other backend (the iPXE script and the booted Linux try a
     * failed download again, as boot scripts do), and every machine still boots.
     */
    @Test
    @Order(3)
    void aBackendDyingWhileMachinesBootCostsNoMachine() throws Exception {
        dsrlb = DsrlbProcess.start(
                Lab.BASEDIR.resolve("examples/monitored.conf"),
                "--control-socket",
                tmp.resolve("monitored.sock").toString());
        java.util.concurrent.CompletableFuture<Lab.Result> booting =
                java.util.concurrent.CompletableFuture.supplyAsync(() -> Lab.runQuietly(
                        400, PXE.toString(), "boot", "--machines", "2", "--firmware", "ipxe", "--timeout", "300"));
        // Power-on to the kernel download is ~8-10 s under TCG; the kernel takes a few seconds more.
        Thread.sleep(11_000);
        assertTrue(!booting.isDone(), "the machines are still booting when the server stops");
        Lab.check(
                Lab.runQuietly(30, Lab.BASEDIR.resolve("lab/backend").toString(), "stop", "tftp1"),
                "lab/backend stop tftp1");
        try {
            Lab.Result r = booting.get();
            System.out.println(r.out());
            assertEquals(0, r.exit(), r + "\n--- dsrlb\n" + dsrlb.log());
            long booted = Arrays.stream(r.out().split("\n"))
                    .filter(l -> l.startsWith("pxe") && l.contains(" bytes sha256 " + sha))
                    .count();
            assertEquals(2, booted, r.out());
            assertTrue(dsrlb.log().contains("service tftp1 198.51.100.30:* is DOWN"), dsrlb.log());
        } finally {
            Lab.runQuietly(30, Lab.BASEDIR.resolve("lab/backend").toString(), "start", "tftp1");
        }
    }
}
