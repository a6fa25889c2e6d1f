package dsrlb.storm;

import java.math.BigInteger;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The {@code --sources} list of a storm: the addresses a client each binds to, written as a
 * comma-separated list of addresses and ranges, all of one IP version. IPv4:
 * {@code 192.0.2.100-192.0.2.163}, {@code 192.0.2.100-163} (the end's last octet only),
 * {@code 10.0.0.5,10.0.0.9}, or a mix. IPv6: {@code 2001:db8:1::100-2001:db8:1::1c7},
 * {@code 2001:db8:1::100-1c7} (the end's last 16-bit group only, hex), lists as for IPv4. Only
 * literals are accepted (dotted decimal without octal for IPv4, no names, no zone ids): a typo
 * must not turn into a DNS lookup or another address.
 */
public final class SourceAddresses {
    /** A /16: far more than a storm may use, small enough to list. */
    public static final int MAX_ADDRESSES = 65_536;

    /** What an IPv6 literal may hold; a name never does (names need a letter past f, or a dot only). */
    private static final Pattern IPV6_TEXT = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    private static final Pattern HEX_GROUP = Pattern.compile("[0-9A-Fa-f]{1,4}");
    private static final BigInteger LAST_GROUP = BigInteger.valueOf(0xFFFF);

    private SourceAddresses() {}

    /**
     * The addresses in the order written, ranges ascending, all IPv4 or all IPv6.
     *
     * @throws IllegalArgumentException with a message that names the bad item
     */
    public static List<InetAddress> parse(String spec) {
        if (spec == null || spec.isBlank()) {
            throw new IllegalArgumentException("no source addresses given");
        }
        Set<BigInteger> seen = new LinkedHashSet<>();
        Boolean v6 = null;
        String firstItem = null;
        for (String raw : spec.split(",", -1)) {
            String item = raw.trim();
            if (item.isEmpty()) {
                throw new IllegalArgumentException("empty item in '" + spec + "'");
            }
            int dash = item.indexOf('-');
            String from = dash < 0 ? item : item.substring(0, dash).trim();
            boolean itemV6 = from.indexOf(':') >= 0;
            if (v6 == null) {
                v6 = itemV6;
                firstItem = item;
            } else if (v6 != itemV6) {
                throw new IllegalArgumentException("'" + item + "' is " + (itemV6 ? "IPv6" : "IPv4") + " and '"
                        + firstItem + "' " + (v6 ? "IPv6" : "IPv4") + ": a storm's sources are of one IP version");
            }
            BigInteger first;
            BigInteger last;
            if (dash < 0) {
                first = itemV6 ? address6(item, item) : BigInteger.valueOf(address(item, item));
                last = first;
            } else {
                String to = item.substring(dash + 1).trim();
                if (itemV6) {
                    first = address6(from, item);
                    last = HEX_GROUP.matcher(to).matches()
                            ? first.andNot(LAST_GROUP).or(new BigInteger(to, 16))
                            : address6(to, item);
                } else {
                    long f = address(from, item);
                    first = BigInteger.valueOf(f);
                    last = BigInteger.valueOf(
                            to.matches("\\d{1,3}") ? (f & ~0xFFL) | octet(to, item) : address(to, item));
                }
                if (last.compareTo(first) < 0) {
                    throw new IllegalArgumentException("range '" + item + "' ends before it starts");
                }
            }
            BigInteger count = last.subtract(first).add(BigInteger.ONE);
            if (count.add(BigInteger.valueOf(seen.size())).compareTo(BigInteger.valueOf(MAX_ADDRESSES)) > 0) {
                throw new IllegalArgumentException("more than " + MAX_ADDRESSES + " source addresses");
            }
            for (BigInteger a = first; a.compareTo(last) <= 0; a = a.add(BigInteger.ONE)) {
                if (!seen.add(a)) {
                    throw new IllegalArgumentException(
                            toInet(a, itemV6).getHostAddress() + " is listed twice (one client per source address)");
                }
            }
        }
        boolean six = v6;
        List<InetAddress> out = new ArrayList<>(seen.size());
        seen.forEach(a -> out.add(toInet(a, six)));
        return List.copyOf(out);
    }

    /** One dotted-decimal unicast address as an unsigned 32-bit value. */
    private static long address(String s, String item) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException(
                    describe(s, item) + " is not an IPv4 address (a.b.c.d) nor an IPv6 one (with ':')");
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

    /** One IPv6 literal, a unicast address a socket can bind without a scope, as a 128-bit value. */
    private static BigInteger address6(String s, String item) {
        if (!IPV6_TEXT.matcher(s).matches()) {
            throw new IllegalArgumentException(describe(s, item) + " is not an IPv6 address (no names, no %zone)");
        }
        InetAddress a;
        try {
            // A literal with ':' is parsed, never looked up (InetAddress.getAllByName).
            a = InetAddress.getByName(s);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(describe(s, item) + " is not an IPv6 address", e);
        }
        if (!(a instanceof Inet6Address)) {
            throw new IllegalArgumentException(
                    describe(s, item) + " is an IPv4-mapped address: write " + a.getHostAddress() + " instead");
        }
        if (a.isAnyLocalAddress()) {
            throw new IllegalArgumentException(":: is the wildcard, not a source address");
        }
        if (a.isMulticastAddress()) {
            throw new IllegalArgumentException(a.getHostAddress() + " is not a unicast address");
        }
        if (a.isLinkLocalAddress()) {
            throw new IllegalArgumentException(
                    a.getHostAddress() + " is link-local: it needs an interface, use a global address");
        }
        return new BigInteger(1, a.getAddress());
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

    private static InetAddress toInet(BigInteger a, boolean v6) {
        int n = v6 ? 16 : 4;
        byte[] raw = a.toByteArray();
        byte[] b = new byte[n];
        // toByteArray is big-endian, possibly with a sign byte in front or fewer bytes than n.
        int copy = Math.min(raw.length, n);
        System.arraycopy(raw, raw.length - copy, b, n - copy, copy);
        try {
            // Inet6Address's own factory: InetAddress.getByAddress would hand back IPv4 for ::ffff:a.b.c.d
            // (which parse refuses at both ends of a range, so none lies between them either).
            return v6 ? Inet6Address.getByAddress(null, b, -1) : InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("4 or 16 bytes are always an address", e);
        }
    }
}
