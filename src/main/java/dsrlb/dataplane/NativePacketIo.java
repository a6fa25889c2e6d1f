package dsrlb.dataplane;

import dsrlb.net.MacAddress;
import java.io.IOException;

/**
 * The native engine (native/: AF_PACKET TPACKET_V3 ring, batched send, through JNA).
 * Placeholder until the library lands: opening it fails with a clear message.
 */
public final class NativePacketIo {
    private NativePacketIo() {
    }

    public static PacketIo open(String interfaceName, MacAddress mac, String filter) throws IOException {
        throw new IOException("--engine native: the native library is not part of this build yet");
    }
}
