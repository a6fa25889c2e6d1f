package dsrlb.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dsrlb.dataplane.FilterLock;
import dsrlb.dataplane.NativePacketIo;
import dsrlb.dataplane.PcapPacketIo;
import dsrlb.net.MacAddress;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * The whole DSR suite on {@code --engine native} (dsrlb's AF_PACKET ring library), with
 * checksum offload on, so the partial checksums the ring hands over must be completed too.
 */
class NativeEngineIT extends TftpdHpaOffloadOnIT {
    @Override
    String[] dsrlbArgs() {
        return new String[] {"--engine", "native"};
    }

    /** The ring reports its own losses, unlike an engine that cannot tell ("unknown"). */
    @Override
    void assertForwardedByDsrlb(long forwarded, String log) {
        super.assertForwardedByDsrlb(forwarded, log);
        Matcher m = Pattern.compile("lost before capture (\\d+)").matcher(log);
        assertTrue(m.find(), "the native ring counts its drops:\n" + log);
        assertTrue(log.contains(": capture filter locked (SO_LOCK_FILTER)"), "the filter is locked:\n" + log);
    }

    /**
     * The lock on a real ring socket on the lab's LAN (opened in this JVM, on a thread moved into
     * the LB namespace, so its descriptor can be asked): the kernel says it is locked, and
     * detaching the filter, which works on an unlocked socket, is refused with EPERM.
     */
    @Test
    @Order(7)
    void theRingsCaptureFilterIsLockedAgainstDetaching() throws Exception {
        MacAddress mac = MacAddress.parse("02:00:00:00:00:10");
        NetnsThread.call(Lab.LB_NS, () -> {
            try (NativePacketIo io = NativePacketIo.open("eth0", mac, "arp")) {
                assertTrue(io.filterLocked(), "getsockopt(SO_LOCK_FILTER) on fd " + io.fd());
                assertEquals(EPERM, FilterLock.tryDetach(io.fd()), "SO_DETACH_FILTER on a locked socket");
                assertTrue(io.filterLocked());
            }
            try (PcapPacketIo unlocked = PcapPacketIo.open("eth0", mac, "arp")) {
                assertEquals(0, FilterLock.tryDetach(unlocked.fd()), "an unlocked filter can be detached");
            }
            return null;
        });
    }

    static final int EPERM = 1;

    /** The block ring (v3) forwards the same transfers, only with other wake-ups. */
    @Test
    @Order(6)
    void theBlockRingForwardsIntactFilesToo() throws Exception {
        dsrlb.close();
        dsrlb = DsrlbProcess.start(
                Lab.BASEDIR.resolve("examples/seed.conf"), "--engine", "native", "--native-ring", "v3");
        for (TftpClient client : TftpClient.values()) {
            Path out = tmp.resolve("v3-" + client.name());
            Lab.Result r = client.download(Lab.VIP, "m5.bin", out, "192.0.2.150", 90);
            assertTrue(r.ok(), client + " via the v3 ring: " + r);
            assertEquals(Lab.sha256(Lab.served("m5.bin")), Lab.sha256(out), client + " via the v3 ring");
        }
    }
}
