package dsrlb.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * UEFI firmware booting over IPv6 only, through the VIP6 (issue 17): on a lab built with
 * {@code --ipv6 --pxe}, two OVMF machines (IPv4 PXE switched off, no DHCPv4 answer for their
 * MACs) take a Router Advertisement and DHCPv6 from the router (bootfile-url
 * {@code tftp://[2001:db8:2::20]/snponly.efi}), load iPXE with the firmware's own TFTP client,
 * which asks DHCPv6 again and runs boot6.ipxe from the VIP6; the Debian kernel's busybox fetches
 * ARDBP32.BIN from the VIP6 and writes its sha256 to the serial console. Backend 2 is dnsmasq,
 * whose log says when it has sent a whole file; backend 1's record is the lab's nft set of the
 * sources that sent to the VIP6 (lab/served-by).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PxeBootIpv6IT {
    static final Path PXE = Lab.BASEDIR.resolve("lab/pxe");
    static final String VIP6 = Lab.VIP6;
    /** The PXE LAN's IPv6 prefix (lab/pxe); machine i gets ::140+i from DHCPv6 for iPXE and Linux. */
    static final String PXE6_PREFIX = "2001:db8:3::";

    Path tmp;
    String sha;
    DsrlbProcess dsrlb;

    @BeforeAll
    void startLab() throws IOException {
        Lab.requireNamespaces();
        Lab.down();
        Lab.up("--ipv6", "--backend2", "dnsmasq", "--pxe");
        sha = Lab.sha256(Lab.served("ARDBP32.BIN"));
        tmp = Files.createTempDirectory("dsrlb-pxe6-it");
    }

    @AfterAll
    void stopLab() {
        if (dsrlb != null) {
            dsrlb.close();
        }
        Lab.down();
    }

    @Test
    void uefiMachinesBootOverIpv6ThroughTheVip6() throws Exception {
        dsrlb = DsrlbProcess.start(
                Lab.BASEDIR.resolve("examples/ipv6.conf"),
                "--control-socket",
                tmp.resolve("dsrlb.sock").toString());
        Lab.resetServedBy();
        Lab.Result r = Lab.runQuietly(
                300, PXE.toString(), "boot", "--machines", "2", "--firmware", "uefi6", "--timeout", "240");
        System.out.println(r.out());
        assertEquals(0, r.exit(), r + "\n--- dsrlb\n" + dsrlb.log());
        List<String> lines = Arrays.stream(r.out().split("\n"))
                .filter(l -> l.startsWith("pxe"))
                .toList();
        assertEquals(2, lines.size(), r.out());
        for (int i = 0; i < 2; i++) {
            String address = PXE6_PREFIX + Integer.toHexString(0x140 + i);
            assertTrue(
                    lines.get(i)
                            .contains(
                                    "address " + address + " ARDBP32.BIN 262144 bytes sha256 " + sha + " via " + VIP6),
                    "machine's own line: " + lines.get(i));
        }

        // What the firmware said: IPv6 PXE only, from the VIP6, the NBP downloaded whole, then
        // iPXE's DHCPv6 address and the script's URL on the VIP6.
        List<String> serials = serialLogs(2);
        for (int i = 0; i < 2; i++) {
            String serial = serials.get(i);
            assertFalse(serial.contains("PXE over IPv4"), serial);
            assertTrue(serial.contains(">>Start PXE over IPv6."), serial);
            assertTrue(serial.contains("Server IP address is 2001:DB8:2:0:0:0:0:20"), serial);
            assertTrue(serial.contains("NBP file downloaded successfully."), serial);
            assertTrue(
                    serial.contains("got " + PXE6_PREFIX + Integer.toHexString(0x140 + i)
                            + " from DHCPv6, booting from tftp://[" + VIP6 + "]/boot6.ipxe"),
                    serial);
        }

        // The backends' own record: every PXE LAN source (the firmware's DHCPv6 address, then
        // iPXE's and Linux's) sent to the VIP6 on one backend only; round robin over at least
        // four new clients gave each backend some.
        Map<String, List<String>> served = Lab.servedBy();
        List<Map.Entry<String, List<String>>> machines = served.entrySet().stream()
                .filter(e -> e.getKey().startsWith(PXE6_PREFIX))
                .toList();
        assertTrue(machines.size() >= 4, "the firmware's and iPXE's addresses of two machines: " + served);
        for (Map.Entry<String, List<String>> e : machines) {
            assertEquals(1, e.getValue().size(), "a source's transfers all went to one backend: " + served);
        }
        assertEquals(
                2,
                machines.stream().map(e -> e.getValue().get(0)).distinct().count(),
                "both backends served: " + served);

        // dnsmasq (tftp2) logs "sent <file> to <client>" once it has the last ACK: each of its
        // clients got the files of its stage whole, and nothing went to tftp1's clients.
        String tftp2Log = Files.readString(Lab.DIR.resolve("tftp2.log"), StandardCharsets.UTF_8);
        for (Map.Entry<String, List<String>> e : machines) {
            String client = e.getKey();
            boolean ipxeStage = client.equals(PXE6_PREFIX + "140") || client.equals(PXE6_PREFIX + "141");
            List<String> files =
                    ipxeStage ? List.of("boot6.ipxe", "vmlinuz", "initrd.gz", "ARDBP32.BIN") : List.of("snponly.efi");
            for (String f : files) {
                String sent = "sent " + Lab.DIR.resolve("tftp2").resolve(f) + " to " + client + "\n";
                assertEquals(
                        e.getValue().get(0).equals("tftp2"),
                        tftp2Log.contains(sent),
                        client + " on " + e.getValue() + ", '" + sent.trim() + "' in tftp2's log:\n" + tftp2Log);
            }
        }

        // No IPv4 on the way: the PXE LAN's DHCPv4 server ignored these machines' MACs.
        String dhcp4 = Files.readString(Lab.DIR.resolve("pxe-dhcp.log"), StandardCharsets.UTF_8);
        assertFalse(dhcp4.contains("DHCPOFFER(br0)"), dhcp4);
    }

    /** The serial consoles of the last lab/pxe boot, machine by machine, without colour codes. */
    private static List<String> serialLogs(int machines) throws IOException {
        Path run;
        try (Stream<Path> runs = Files.list(Lab.DIR.resolve("pxe"))) {
            run = runs.filter(p -> p.getFileName().toString().startsWith("boot."))
                    .max(Comparator.comparing(p -> p.toFile().lastModified()))
                    .orElseThrow();
        }
        List<String> logs = new java.util.ArrayList<>();
        for (int i = 0; i < machines; i++) {
            String raw =
                    new String(Files.readAllBytes(run.resolve("serial" + i + ".log")), StandardCharsets.ISO_8859_1);
            logs.add(raw.replaceAll("\u001b\\[[0-9;]*[A-Za-z]", "").replace("\r", ""));
        }
        return logs;
    }
}
