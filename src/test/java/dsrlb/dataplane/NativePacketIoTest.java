package dsrlb.dataplane;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dsrlb.net.MacAddress;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** What needs no interface: the library loads from the build, and a bad interface is a message. */
class NativePacketIoTest {
    private static final MacAddress MAC = MacAddress.parse("02:00:00:00:00:01");

    @Test
    void aMissingInterfaceIsAMessageNamingIt() {
        IOException e =
                assertThrows(IOException.class, () -> NativePacketIo.open("nope0", MAC, "arp", NativePacketIo.Ring.V2));
        assertTrue(e.getMessage().contains("--engine native on nope0"), e.getMessage());
        assertTrue(e.getMessage().contains("No such device"), e.getMessage());
    }

    @Test
    void aFilterLibpcapCannotCompileIsAMessageQuotingIt() {
        // Root gets as far as the filter; anyone else stops at the socket, also with a message.
        IOException e = assertThrows(
                IOException.class, () -> NativePacketIo.open("lo", MAC, "ip and (", NativePacketIo.Ring.V3));
        assertTrue(
                e.getMessage().contains("capture filter 'ip and ('")
                        || e.getMessage().contains("socket(AF_PACKET): Operation not permitted"),
                e.getMessage());
    }
}
