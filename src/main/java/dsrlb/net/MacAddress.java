package dsrlb.net;

import java.util.Arrays;
import java.util.HexFormat;

/** An Ethernet address; immutable, compared by value. */
public final class MacAddress {
    public static final int LENGTH = 6;
    public static final MacAddress BROADCAST = new MacAddress(new byte[] {-1, -1, -1, -1, -1, -1});
    public static final MacAddress ZERO = new MacAddress(new byte[6]);

    private final byte[] bytes;

    private MacAddress(byte[] bytes) {
        this.bytes = bytes;
    }

    public static MacAddress of(byte[] b) {
        return read(b, 0);
    }

    public static MacAddress read(byte[] b, int offset) {
        if (offset < 0 || b.length - offset < LENGTH) {
            throw new IllegalArgumentException("a MAC address needs 6 bytes");
        }
        return new MacAddress(Arrays.copyOfRange(b, offset, offset + LENGTH));
    }

    /** Parses {@code aa:bb:cc:dd:ee:ff} (also with '-'). */
    public static MacAddress parse(String text) {
        String[] parts = text.split("[:-]", -1);
        if (parts.length != LENGTH) {
            throw new IllegalArgumentException("not a MAC address: '" + text + "'");
        }
        byte[] b = new byte[LENGTH];
        for (int i = 0; i < LENGTH; i++) {
            if (parts[i].length() != 2) {
                throw new IllegalArgumentException("not a MAC address: '" + text + "'");
            }
            try {
                b[i] = (byte) Integer.parseInt(parts[i], 16);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a MAC address: '" + text + "'", e);
            }
        }
        return new MacAddress(b);
    }

    /** Copies the six bytes into {@code dst} at {@code offset}. */
    public void writeTo(byte[] dst, int offset) {
        System.arraycopy(bytes, 0, dst, offset, LENGTH);
    }

    /** Compares with six bytes of a frame without copying them. */
    public boolean matches(byte[] b, int offset) {
        return Arrays.equals(bytes, 0, LENGTH, b, offset, offset + LENGTH);
    }

    public byte[] toByteArray() {
        return bytes.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MacAddress m && Arrays.equals(bytes, m.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return HexFormat.ofDelimiter(":").formatHex(bytes);
    }
}
