package dsrlb.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dsrlb.dataplane.FilterLock;
import dsrlb.dataplane.PcapPacketIo;
import dsrlb.net.MacAddress;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * The whole DSR suite on {@code --engine pcap} (tftpd-hpa, checksum offload on): the engine auto
 * falls back to last, where neither the kernel path nor dsrlb's own ring library can run.
 */
class PcapEngineIT extends TftpdHpaOffloadOnIT {
    static final int EPERM = 1;

    @Override
    String[] dsrlbArgs() {
        return new String[] {"--engine", "pcap"};
    }

    @Override
    void assertForwardedByDsrlb(long forwarded, String log) {
        super.assertForwardedByDsrlb(forwarded, log);
        assertTrue(log.contains(": capture filter locked (SO_LOCK_FILTER)"), "the filter is locked:\n" + log);
    }

    /**
     * The lock on a real libpcap handle (on lo, in this JVM, so its descriptor can be asked):
     * before the lock the filter can be detached, after it the kernel says locked and refuses a
     * detach with EPERM.
     */
    @Test
    @Order(7)
    void theCaptureFilterIsLockedAgainstDetaching() throws Exception {
        try (PcapPacketIo io = PcapPacketIo.open("lo", MacAddress.parse("02:00:00:00:00:10"), "arp")) {
            assertFalse(FilterLock.isLocked(io.fd()), "not locked before lockFilter()");
            assertTrue(io.lockFilter());
            assertTrue(FilterLock.isLocked(io.fd()), "getsockopt(SO_LOCK_FILTER) on fd " + io.fd());
            assertEquals(EPERM, FilterLock.tryDetach(io.fd()), "SO_DETACH_FILTER on a locked socket");
        }
        try (PcapPacketIo unlocked = PcapPacketIo.open("lo", MacAddress.parse("02:00:00:00:00:10"), "arp")) {
            assertEquals(0, FilterLock.tryDetach(unlocked.fd()), "an unlocked filter can be detached");
        }
    }
}
