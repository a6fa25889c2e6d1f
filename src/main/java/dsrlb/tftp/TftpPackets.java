package dsrlb.tftp;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** The TFTP wire format (RFC 1350, RFC 2347 options), for the client and for tests. */
public final class TftpPackets {
    /** Where a client sends its request (RFC 1350); the transfer itself runs between other ports. */
    public static final int PORT = 69;

    public static final int RRQ = 1;
    public static final int WRQ = 2;
    public static final int DATA = 3;
    public static final int ACK = 4;
    public static final int ERROR = 5;
    public static final int OACK = 6;

    public static final int ERR_NOT_DEFINED = 0;
    public static final int ERR_FILE_NOT_FOUND = 1;
    public static final int ERR_ILLEGAL_OPERATION = 4;
    public static final int ERR_UNKNOWN_TID = 5;
    public static final int ERR_OPTION_REFUSED = 8;

    /** Block numbers are 16 bits on the wire. */
    public static final int BLOCK_MASK = 0xFFFF;

    private TftpPackets() {}

    /** An octet-mode RRQ; with {@code blksize > 0} it also asks blksize and tsize 0 (RFC 2348/2349). */
    public static byte[] rrq(String file, int blksize) {
        ByteArrayOutputStream b = new ByteArrayOutputStream(64);
        b.write(0);
        b.write(RRQ);
        cString(b, file);
        cString(b, "octet");
        if (blksize > 0) {
            cString(b, "blksize");
            cString(b, Integer.toString(blksize));
            cString(b, "tsize");
            cString(b, "0");
        }
        return b.toByteArray();
    }

    /** Writes an ACK for the 16-bit {@code block} into {@code buf}; returns its length (4). */
    public static int writeAck(byte[] buf, int block) {
        buf[0] = 0;
        buf[1] = ACK;
        buf[2] = (byte) (block >>> 8);
        buf[3] = (byte) block;
        return 4;
    }

    public static byte[] error(int code, String message) {
        ByteArrayOutputStream b = new ByteArrayOutputStream(4 + message.length() + 1);
        b.write(0);
        b.write(ERROR);
        b.write(code >>> 8);
        b.write(code);
        cString(b, message);
        return b.toByteArray();
    }

    /** Opcode of a packet, or -1 when it is too short to have one. */
    public static int opcode(byte[] p, int length) {
        return length < 2 ? -1 : ((p[0] & 0xFF) << 8) | (p[1] & 0xFF);
    }

    /**
     * Whether {@code p[offset..end)} is a read request: the RRQ opcode and room for at least a
     * one-byte name and its NUL after it. Allocates nothing, for the packet path.
     */
    public static boolean isReadRequest(byte[] p, int offset, int end) {
        return end >= offset + 4 && (((p[offset] & 0xFF) << 8) | (p[offset + 1] & 0xFF)) == RRQ;
    }

    /** Block number (DATA, ACK) or error code (ERROR): the 16 bits after the opcode. */
    public static int u16At2(byte[] p) {
        return ((p[2] & 0xFF) << 8) | (p[3] & 0xFF);
    }

    /** The message of an ERROR packet; tolerates a missing terminating NUL, as servers vary. */
    public static String errorMessage(byte[] p, int length) {
        int end = 4;
        while (end < length && p[end] != 0) {
            end++;
        }
        return length <= 4 ? "" : printable(new String(p, 4, end - 4, StandardCharsets.UTF_8));
    }

    /** At most this many characters of a server's text reach a log line or a terminal. */
    static final int MAX_TEXT = 200;

    /**
     * A server's text as it may be shown: control characters (newlines that would forge log
     * lines, escape sequences that would drive an operator's terminal) as \xNN, and at most
     * {@link #MAX_TEXT} characters. A backend is not trusted to write our logs.
     */
    public static String printable(String text) {
        StringBuilder b = new StringBuilder(Math.min(text.length(), MAX_TEXT));
        for (int i = 0; i < text.length() && b.length() < MAX_TEXT; i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == '\\') {
                b.append(String.format(Locale.ROOT, "\\x%02x", (int) c));
            } else {
                b.append(c);
            }
        }
        if (b.length() >= MAX_TEXT && text.length() > MAX_TEXT) {
            b.setLength(MAX_TEXT);
            b.append("…");
        }
        return b.toString();
    }

    /**
     * The name/value pairs of an OACK (or of an RRQ after its mode, from {@code offset}), names
     * lower-cased because RFC 2347 makes them case-insensitive; null when not NUL-terminated pairs.
     */
    public static Map<String, String> options(byte[] p, int offset, int length) {
        Map<String, String> m = new LinkedHashMap<>();
        int i = offset;
        while (i < length) {
            int nameEnd = indexOfNul(p, i, length);
            if (nameEnd < 0) {
                return null;
            }
            int valueEnd = indexOfNul(p, nameEnd + 1, length);
            if (valueEnd < 0) {
                return null;
            }
            m.put(
                    printable(new String(p, i, nameEnd - i, StandardCharsets.US_ASCII))
                            .toLowerCase(Locale.ROOT),
                    printable(new String(p, nameEnd + 1, valueEnd - nameEnd - 1, StandardCharsets.US_ASCII)));
            i = valueEnd + 1;
        }
        return m;
    }

    /** Index of the first NUL in {@code p[from..length)}, or -1. */
    public static int indexOfNul(byte[] p, int from, int length) {
        for (int i = from; i < length; i++) {
            if (p[i] == 0) {
                return i;
            }
        }
        return -1;
    }

    public static String opcodeName(int opcode) {
        return switch (opcode) {
            case RRQ -> "RRQ";
            case WRQ -> "WRQ";
            case DATA -> "DATA";
            case ACK -> "ACK";
            case ERROR -> "ERROR";
            case OACK -> "OACK";
            default -> "opcode " + opcode;
        };
    }

    private static void cString(ByteArrayOutputStream b, String s) {
        b.writeBytes(s.getBytes(StandardCharsets.UTF_8));
        b.write(0);
    }
}
