package dsrlb.net;

/**
 * IPv4 addresses as {@code int} in network order (first octet in the high byte), so the hot
 * path compares and hashes addresses without objects.
 */
public final class Ipv4 {
    private Ipv4() {}

    /**
     * Parses a dotted quad strictly: four decimal octets 0..255, no leading '+', no spaces.
     *
     * @throws IllegalArgumentException with a message that names the text
     */
    public static int parse(String text) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("empty IPv4 address");
        }
        int value = 0;
        int octets = 0;
        int i = 0;
        int n = text.length();
        while (i <= n) {
            int start = i;
            int octet = 0;
            while (i < n && text.charAt(i) != '.') {
                char c = text.charAt(i);
                if (c < '0' || c > '9' || i - start >= 3) {
                    throw new IllegalArgumentException("not an IPv4 address: '" + text + "'");
                }
                octet = octet * 10 + (c - '0');
                i++;
            }
            if (i == start || octet > 255 || octets == 4) {
                throw new IllegalArgumentException("not an IPv4 address: '" + text + "'");
            }
            value = (value << 8) | octet;
            octets++;
            i++;
        }
        if (octets != 4) {
            throw new IllegalArgumentException("not an IPv4 address: '" + text + "'");
        }
        return value;
    }

    public static String format(int address) {
        return ((address >>> 24) & 0xff) + "." + ((address >>> 16) & 0xff) + "." + ((address >>> 8) & 0xff) + "."
                + (address & 0xff);
    }

    /** True when {@code mask} is a contiguous netmask such as 255.255.255.0 (or 0.0.0.0). */
    public static boolean isNetmask(int mask) {
        int inverted = ~mask;
        return (inverted & (inverted + 1)) == 0;
    }

    public static int prefixLength(int mask) {
        return Integer.bitCount(mask);
    }

    public static boolean sameSubnet(int a, int b, int mask) {
        return (a & mask) == (b & mask);
    }
}
