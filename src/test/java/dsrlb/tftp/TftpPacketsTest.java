package dsrlb.tftp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TftpPacketsTest {
    @Test
    void anRrqWithOptionsAsksBlksizeAndTsizeZero() {
        byte[] expected = "\0\1ARDBP32.BIN\0octet\0blksize\0001428\0tsize\0000\0".getBytes(StandardCharsets.US_ASCII);

        assertArrayEquals(expected, TftpPackets.rrq("ARDBP32.BIN", 1428));
    }

    @Test
    void aPlainRrqHasOnlyFileAndMode() {
        assertArrayEquals("\0\1f\0octet\0".getBytes(StandardCharsets.US_ASCII), TftpPackets.rrq("f", 0));
    }

    @Test
    void oackOptionNamesAreCaseInsensitive() {
        byte[] oack = "\0\6BLKSIZE\0001428\0TSize\000262144\0".getBytes(StandardCharsets.US_ASCII);

        assertEquals(Map.of("blksize", "1428", "tsize", "262144"), TftpPackets.options(oack, 2, oack.length));
    }

    @Test
    void anOptionWithoutItsNulIsMalformed() {
        byte[] oack = "\0\6blksize\0001428".getBytes(StandardCharsets.US_ASCII);

        assertNull(TftpPackets.options(oack, 2, oack.length));
    }

    @Test
    void ackAndErrorLayout() {
        byte[] ack = new byte[4];
        assertEquals(4, TftpPackets.writeAck(ack, 0xABCD));
        assertArrayEquals(new byte[] {0, 4, (byte) 0xAB, (byte) 0xCD}, ack);
        byte[] error = TftpPackets.error(5, "Unknown transfer ID");
        assertEquals(TftpPackets.ERROR, TftpPackets.opcode(error, error.length));
        assertEquals(5, TftpPackets.u16At2(error));
        assertEquals("Unknown transfer ID", TftpPackets.errorMessage(error, error.length));
        assertEquals(0, error[error.length - 1]);
    }

    @Test
    void aServersTextIsMadePrintableAndShort() {
        assertEquals("file\\x0a2026-01-01 ERROR forged", TftpPackets.printable("file\n2026-01-01 ERROR forged"));
        assertEquals("\\x1b[31mred\\x1b[0m", TftpPackets.printable("\u001b[31mred\u001b[0m"));
        assertEquals("a\\x5cb", TftpPackets.printable("a\\b"));
        String long_ = "x".repeat(1000);
        assertEquals(TftpPackets.MAX_TEXT + 1, TftpPackets.printable(long_).length());
        byte[] error = new byte[] {0, 5, 0, 1, 'n', 'o', '\n', 'x', 0};
        assertEquals("no\\x0ax", TftpPackets.errorMessage(error, error.length));
    }
}
