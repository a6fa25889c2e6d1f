package dsrlb.dataplane;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The forwarder fuzz target's input format: one byte that picks a configuration, then frames,
 * each prefixed by its length (two bytes, big-endian). A length past the end takes what is
 * left, so every byte string is a valid input; sequences let the fuzzer combine frames (an ARP
 * that changes a backend's MAC, then a packet forwarded to it).
 */
final class FuzzFrames {
    static final int MAX_FRAMES = 16;
    /** Larger than any frame an Ethernet interface delivers (jumbo frames included). */
    static final int MAX_FRAME = 9216;

    private FuzzFrames() {}

    static int configSelector(byte[] input) {
        return input.length == 0 ? 0 : input[0] & 0xff;
    }

    static List<byte[]> frames(byte[] input) {
        List<byte[]> frames = new ArrayList<>();
        int at = 1;
        while (at + 2 <= input.length && frames.size() < MAX_FRAMES) {
            int declared = ((input[at] & 0xff) << 8) | (input[at + 1] & 0xff);
            at += 2;
            int n = Math.min(Math.min(declared, input.length - at), MAX_FRAME);
            if (n == 0) {
                continue; // the receive loop never hands over an empty frame
            }
            frames.add(Arrays.copyOfRange(input, at, at + n));
            at += n;
        }
        return frames;
    }

    static byte[] encode(int selector, byte[]... frames) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(selector);
        for (byte[] f : frames) {
            out.write(f.length >>> 8);
            out.write(f.length);
            out.writeBytes(f);
        }
        return out.toByteArray();
    }
}
