package dsrlb.net;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An IPv4 or IPv6 address as two longs (the 128 bits in network order), so that the packet
 * path can compare, hash and store a client's address without an object per packet. An IPv4
 * address is held as its IPv4-mapped form {@code ::ffff:a.b.c.d} (RFC 4291 2.5.5.2): one key
 * space for persistence and hashing, and {@link #isIpv4()} tells the families apart. Because of
 * that, the text {@code ::ffff:a.b.c.d} is refused by {@link #parse}: it would name an IPv4
 * address by its IPv6 spelling and two config lines could then mean one server.
 */
public record IpAddress(long high, long low) implements Comparable<IpAddress> {
    private static final long MAPPED_PREFIX = 0x0000_ffffL << 32;

    /** {@code address} as {@code int} in network order ({@link Ipv4}). */
    public static IpAddress ofIpv4(int address) {
        return new IpAddress(0, mappedLow(address));
    }

    /** The low word an IPv4 address has in its mapped form: what hot-path code compares with {@link #low}. */
    public static long mappedLow(int ipv4) {
        return MAPPED_PREFIX | (ipv4 & 0xffff_ffffL);
    }

    /** Whether {@code (high, low)} is an IPv4 address held in its mapped form. */
    public static boolean isIpv4(long high, long low) {
        return high == 0 && (low & 0xffff_ffff_0000_0000L) == MAPPED_PREFIX;
    }

    /** The 16 bytes at {@code bytes[offset..offset+16)} (an IPv6 header's source or destination). */
    public static IpAddress ofIpv6(byte[] bytes, int offset) {
        return new IpAddress(readLong(bytes, offset), readLong(bytes, offset + 8));
    }

    /** The 8 bytes at {@code offset}, big-endian: half of an IPv6 address read without allocating. */
    public static long readLong(byte[] bytes, int offset) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (bytes[offset + i] & 0xff);
        }
        return v;
    }

    /** Writes the 8 bytes of {@code value} big-endian at {@code offset}. */
    public static void writeLong(byte[] bytes, int offset, long value) {
        for (int i = 7; i >= 0; i--) {
            bytes[offset + i] = (byte) value;
            value >>>= 8;
        }
    }

    /**
     * Parses a dotted quad ({@link Ipv4#parse}) or an IPv6 address in RFC 4291 text form (with
     * {@code ::} and an embedded dotted quad). No brackets, zone ids, prefixes or host names.
     *
     * @throws IllegalArgumentException with a message that names the text
     */
    public static IpAddress parse(String text) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("empty IP address");
        }
        if (text.indexOf(':') < 0) {
            return ofIpv4(Ipv4.parse(text));
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean ok =
                    (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':' || c == '.';
            if (!ok) {
                throw new IllegalArgumentException("not an IP address: '" + text + "'");
            }
        }
        byte[] b;
        try {
            // Only hex digits, ':' and '.' reach here: a literal, never a name lookup.
            b = InetAddress.getByName(text).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address: '" + text + "'", e);
        }
        if (b.length == 4) {
            // InetAddress turns "::ffff:a.b.c.d" into an Inet4Address.
            throw new IllegalArgumentException(
                    "'" + text + "' is an IPv4-mapped IPv6 address: write the IPv4 address instead");
        }
        return ofIpv6(b, 0);
    }

    public boolean isIpv4() {
        return isIpv4(high, low);
    }

    public boolean isIpv6() {
        return !isIpv4();
    }

    /** The IPv4 address as {@code int}. */
    public int ipv4() {
        if (!isIpv4()) {
            throw new IllegalStateException(this + " is not an IPv4 address");
        }
        return (int) low;
    }

    /** The 4 (IPv4) or 16 (IPv6) bytes in network order. */
    public byte[] bytes() {
        if (isIpv4()) {
            int v = (int) low;
            return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
        }
        byte[] b = new byte[16];
        writeLong(b, 0, high);
        writeLong(b, 8, low);
        return b;
    }

    public InetAddress toInetAddress() {
        try {
            return InetAddress.getByAddress(bytes());
        } catch (UnknownHostException e) {
            throw new IllegalStateException("4 or 16 bytes are always an address", e);
        }
    }

    /** Whether both lie in one subnet of {@code prefixLength} bits (of 32 for IPv4, of 128 for IPv6). */
    public boolean sameSubnet(IpAddress other, int prefixLength) {
        if (isIpv4() != other.isIpv4()) {
            return false;
        }
        int bits = isIpv4() ? 96 + prefixLength : prefixLength;
        long highMask = bits >= 64 ? -1L : bits == 0 ? 0 : -1L << (64 - bits);
        long lowMask = bits <= 64 ? 0 : bits >= 128 ? -1L : -1L << (128 - bits);
        return ((high ^ other.high) & highMask) == 0 && ((low ^ other.low) & lowMask) == 0;
    }

    /** Dotted quad for IPv4; RFC 5952 for IPv6 (lower case, longest run of zero groups as {@code ::}). */
    public String format() {
        if (isIpv4()) {
            return Ipv4.format((int) low);
        }
        int[] groups = new int[8];
        for (int i = 0; i < 4; i++) {
            groups[i] = (int) (high >>> (48 - 16 * i)) & 0xffff;
            groups[4 + i] = (int) (low >>> (48 - 16 * i)) & 0xffff;
        }
        int bestStart = -1;
        int bestLength = 1; // RFC 5952 4.2.2: a single zero group is not shortened
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j;
        }
        StringBuilder sb = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLength - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(groups[i]));
        }
        return sb.toString();
    }

    @Override
    public int compareTo(IpAddress o) {
        int c = Long.compareUnsigned(high, o.high);
        return c != 0 ? c : Long.compareUnsigned(low, o.low);
    }

    @Override
    public String toString() {
        return format();
    }
}
