package dsrlb.storm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SourceAddressesTest {
    static List<String> parse(String spec) {
        return SourceAddresses.parse(spec).stream()
                .map(InetAddress::getHostAddress)
                .toList();
    }

    @Test
    void aRangeIsEveryAddressFromFirstToLastInclusive() {
        List<InetAddress> a = SourceAddresses.parse("192.0.2.100-192.0.2.163");

        assertEquals(64, a.size());
        assertEquals("192.0.2.100", a.get(0).getHostAddress());
        assertEquals("192.0.2.163", a.get(63).getHostAddress());
    }

    @Test
    void theEndMayBeTheLastOctetOnly() {
        assertEquals(parse("127.0.0.1-127.0.0.8"), parse("127.0.0.1-8"));
        assertEquals(8, parse("127.0.0.1-8").size());
    }

    @Test
    void aRangeCrossesOctetBoundaries() {
        assertEquals(List.of("10.0.0.254", "10.0.0.255", "10.0.1.0", "10.0.1.1"), parse("10.0.0.254-10.0.1.1"));
    }

    @Test
    void listsAndRangesMixInTheOrderWritten() {
        assertEquals(
                List.of("192.0.2.200", "192.0.2.100", "192.0.2.101", "192.0.2.102", "192.0.2.5"),
                parse(" 192.0.2.200 , 192.0.2.100-102,192.0.2.5"));
    }

    @Test
    void aOneAddressRangeIsThatAddress() {
        assertEquals(List.of("192.0.2.7"), parse("192.0.2.7-192.0.2.7"));
    }

    @ParameterizedTest(name = "[{index}] ''{0}''")
    @CsvSource(
            delimiter = '|',
            value = {
                "''|no source addresses given",
                "192.0.2.1,,192.0.2.2|empty item in '192.0.2.1,,192.0.2.2'",
                "192.0.2.1,|empty item",
                "192.0.2|'192.0.2' is not an IPv4 address (a.b.c.d)",
                "192.0.2.1.5|is not an IPv4 address",
                "tftp.example|'tftp.example' is not an IPv4 address",
                "192.0.2.300|'300' in '192.0.2.300' is above 255",
                "192.0.2.010|'010' in '192.0.2.010' is not an octet (0..255, decimal, no leading zeros)",
                "192.0.2.-1|is not an octet",
                "192.0.2.163-192.0.2.100|range '192.0.2.163-192.0.2.100' ends before it starts",
                "192.0.2.100-99|range '192.0.2.100-99' ends before it starts",
                "192.0.2.100-256|'256' in '192.0.2.100-256' is above 255",
                "192.0.2.100-192.0.2|'192.0.2' in '192.0.2.100-192.0.2' is not an IPv4 address",
                "192.0.2.100-|'' in '192.0.2.100-' is not an IPv4 address",
                "192.0.2.1-192.0.2.5,192.0.2.3|192.0.2.3 is listed twice (one client per source address)",
                "0.0.0.0|0.0.0.0 is the wildcard, not a source address",
                "224.0.0.1|224.0.0.1 is not a unicast address",
                "255.255.255.255|255.255.255.255 is not a unicast address",
                "10.0.0.0-10.1.0.0|more than 65536 source addresses",
                "1.0.0.1-223.255.255.255|more than 65536 source addresses",
                "2001:db8::1c7-2001:db8::100|range '2001:db8::1c7-2001:db8::100' ends before it starts",
                "2001:db8::100-ff|range '2001:db8::100-ff' ends before it starts",
                "2001:db8::1-2001:db8::1:1|more than 65536 source addresses",
                "2001:db8::-2001:db9::|more than 65536 source addresses",
                "2001:db8::1-3,2001:db8::2|2001:db8:0:0:0:0:0:2 is listed twice (one client per source address)",
                "2001:db8::1,192.0.2.1|'192.0.2.1' is IPv4 and '2001:db8::1' IPv6: a storm's sources are of one IP version",
                "192.0.2.1-5,::1|'::1' is IPv6 and '192.0.2.1-5' IPv4",
                "2001:db8::1-192.0.2.1|'192.0.2.1' in '2001:db8::1-192.0.2.1' is not an IPv6 address",
                "2001:db8::g|'2001:db8::g' is not an IPv6 address (no names, no %zone)",
                "fe80::1%eth0|'fe80::1%eth0' is not an IPv6 address (no names, no %zone)",
                "2001:db8:::1|'2001:db8:::1' is not an IPv6 address",
                "1:2:3:4:5:6:7:8:9|is not an IPv6 address",
                "::|:: is the wildcard, not a source address",
                "ff02::1|ff02:0:0:0:0:0:0:1 is not a unicast address",
                "fe80::1|fe80:0:0:0:0:0:0:1 is link-local: it needs an interface",
                "::ffff:192.0.2.1|'::ffff:192.0.2.1' is an IPv4-mapped address: write 192.0.2.1 instead",
                "2001:db8::1-12345|'12345' in '2001:db8::1-12345' is not an IPv6 address"
            })
    void badSourcesSayWhatIsWrong(String spec, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SourceAddresses.parse(spec));
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    @Test
    void anIpv6RangeIsEveryAddressFromFirstToLastAndItsEndMayBeTheLastGroupOnly() {
        List<String> a = parse("2001:db8:1::100-2001:db8:1::1c7");

        assertEquals(200, a.size());
        assertEquals("2001:db8:1:0:0:0:0:100", a.get(0));
        assertEquals("2001:db8:1:0:0:0:0:1c7", a.get(199));
        assertEquals(a, parse("2001:db8:1::100-1c7"));
        assertEquals(a, parse("2001:DB8:1::100-1C7"));
        assertTrue(SourceAddresses.parse("::1").get(0) instanceof Inet6Address);
    }

    @Test
    void anIpv6RangeCrossesGroupBoundariesAndListsMix() {
        assertEquals(
                List.of("2001:db8:0:0:0:0:1:ffff", "2001:db8:0:0:0:0:2:0", "2001:db8:0:0:0:0:2:1", "0:0:0:0:0:0:0:1"),
                parse("2001:db8::1:ffff-2001:db8::2:1, ::1"));
    }

    @Test
    void exactlyTheLimitIsAccepted() {
        assertEquals(
                SourceAddresses.MAX_ADDRESSES,
                SourceAddresses.parse("10.0.0.0-10.0.255.255").size());
    }
}
