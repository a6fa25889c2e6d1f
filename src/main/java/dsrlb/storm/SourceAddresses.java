package dsrlb.storm;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The {@code --sources} list of a storm: IPv4 addresses a client each binds to, written as a
 * comma-separated list of addresses and ranges: {@code 192.0.2.100-192.0.2.163},
 * {@code 192.0.2.100-163} (the end's last octet only), {@code 10.0.0.5,10.0.0.9}, or a mix.
 * Only dotted decimal is accepted (no names, no octal): a typo must not turn into a DNS lookup
 * or another address.
 */
public final class SourceAddresses {
    /** A /16: far more than a storm may use, small enough to list. */
    public static final int MAX_ADDRESSES = 65_536;

    private SourceAddresses() {}

    /**
     * The addresses in the order written, ranges ascending.
     *
     * @throws IllegalArgumentException with a message that names the bad item
     */
    public static List<Inet4Address> parse(String spec) {
        if (spec == null || spec.isBlank()) {
            throw new IllegalArgumentException("no source addresses given");
        }
        Set<Long> seen = new LinkedHashSet<>();
        for (String raw : spec.split(",", -1)) {
            String item = raw.trim();
            if (item.isEmpty()) {
                throw new IllegalArgumentException("empty item in '" + spec + "'");
            }
            int dash = item.indexOf('-');
            long first;
            long last;
            if (dash < 0) {
                first = address(item, item);
                last = first;
            } else {
                String from = item.substring(0, dash).trim();
                String to = item.substring(dash + 1).trim();
                first = address(from, item);
                last = to.matches("\\d{1,3}") ? (first & ~0xFFL) | octet(to, item) : address(to, item);
                if (last < first) {
                    throw new IllegalArgumentException("range '" + item + "' ends before it starts");
                }
            }
            if (seen.size() + (last - first + 1) > MAX_ADDRESSES) {
                throw new IllegalArgumentException("more than " + MAX_ADDRESSES + " source addresses");
            }
            for (long a = first; a <= last; a++) {
                if (!seen.add(a)) {
                    throw new IllegalArgumentException(format(a) + " is listed twice (one client per source address)");
                }
            }
        }
        List<Inet4Address> out = new ArrayList<>(seen.size());
        seen.forEach(a -> out.add(toInet(a)));
        return List.copyOf(out);
    }

    /** One dotted-decimal unicast address as an unsigned 32-bit value. */
    private static long address(String s, String item) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException(describe(s, item) + " is not an IPv4 address (a.b.c.d)");
        }
        long v = 0;
        for (String p : parts) {
            v = (v << 8) | octet(p, item);
        }
        if (v == 0) {
            throw new IllegalArgumentException("0.0.0.0 is the wildcard, not a source address");
        }
        if (v >= 0xE0000000L) {
            throw new IllegalArgumentException(format(v) + " is not a unicast address");
        }
        return v;
    }

    private static int octet(String p, String item) {
        if (!p.matches("\\d{1,3}") || (p.length() > 1 && p.charAt(0) == '0')) {
            throw new IllegalArgumentException(
                    "'" + p + "' in '" + item + "' is not an octet (0..255, decimal, no leading zeros)");
        }
        int n = Integer.parseInt(p);
        if (n > 255) {
            throw new IllegalArgumentException("'" + p + "' in '" + item + "' is above 255");
        }
        return n;
    }

    private static String describe(String s, String item) {
        return s.equals(item) ? "'" + s + "'" : "'" + s + "' in '" + item + "'";
    }

    static String format(long a) {
        return (a >>> 24 & 0xFF) + "." + (a >>> 16 & 0xFF) + "." + (a >>> 8 & 0xFF) + "." + (a & 0xFF);
    }

    private static Inet4Address toInet(long a) {
        byte[] b = {(byte) (a >>> 24), (byte) (a >>> 16), (byte) (a >>> 8), (byte) a};
        try {
            return (Inet4Address) InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("4 bytes are always an address", e);
        }
    }
}
