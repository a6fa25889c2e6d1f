package dsrlb.tftp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class TftpRequestTest {
    final TftpRequest base = TftpRequest.of(InetAddress.getLoopbackAddress(), "ARDBP32.BIN");

    @Test
    void defaultsAreThoseOfAPxeFarmProbe() {
        assertEquals(69, base.port());
        assertEquals(1428, base.blksize());
        assertEquals(Duration.ofSeconds(2), base.timeout());
        assertEquals(3, base.retries());
    }

    @Test
    void theExpectedHashIsStoredLowerCase() {
        String upper = "AB".repeat(32);

        assertEquals("ab".repeat(32), base.withExpectedSha256(upper).expectedSha256());
    }

    @Test
    void valuesOutsideTheRfcsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> base.withBlksize(7));
        assertThrows(IllegalArgumentException.class, () -> base.withBlksize(65465));
        assertThrows(IllegalArgumentException.class, () -> base.withPort(0));
        assertThrows(IllegalArgumentException.class, () -> base.withTimeout(Duration.ZERO, 1));
        assertThrows(IllegalArgumentException.class, () -> base.withTimeout(Duration.ofSeconds(1), -1));
        assertThrows(IllegalArgumentException.class, () -> base.withExpectedSha256("abc"));
        assertThrows(IllegalArgumentException.class, () -> base.withExpectedSize(-1));
        assertThrows(IllegalArgumentException.class, () -> TftpRequest.of(InetAddress.getLoopbackAddress(), "a\0b"));
    }
}
