package dsrlb.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class IpAddressTest {
    @ParameterizedTest
    @CsvSource({
        "2001:db8::1, 2001:db8::1",
        "2001:DB8:0:0:0:0:0:1, 2001:db8::1",
        "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
        "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1",
        "::, ::",
        "::1, ::1",
        "fe80::, fe80::",
        "2001:db8::192.0.2.1, 2001:db8::c000:201",
        "192.0.2.10, 192.0.2.10",
    })
    void parsesAndFormatsAsRfc5952(String text, String formatted) {
        assertEquals(formatted, IpAddress.parse(text).format());
    }

    @Test
    void ipv4IsHeldMappedAndComparesByValue() {
        IpAddress a = IpAddress.parse("192.0.2.10");
        assertTrue(a.isIpv4());
        assertEquals(Ipv4.parse("192.0.2.10"), a.ipv4());
        assertEquals(IpAddress.ofIpv4(Ipv4.parse("192.0.2.10")), a);
        assertEquals(IpAddress.mappedLow(a.ipv4()), a.low());
        assertArrayEquals(new byte[] {(byte) 192, 0, 2, 10}, a.bytes());
        assertFalse(IpAddress.parse("2001:db8::a").isIpv4());
        assertEquals(16, IpAddress.parse("2001:db8::a").bytes().length);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "::ffff:192.0.2.1",
                "[2001:db8::1]",
                "2001:db8::1%lo",
                "example.org",
                "2001:db8::g",
                "1:2:3:4:5:6:7:8:9",
                "2001:db8::1/64",
                "192.0.2"
            })
    void refusesWhatIsNotOneAddress(String text) {
        assertThrows(IllegalArgumentException.class, () -> IpAddress.parse(text));
    }

    @Test
    void subnetsCountBitsOfTheirOwnFamily() {
        IpAddress a = IpAddress.parse("2001:db8:0:1::10");
        assertTrue(a.sameSubnet(IpAddress.parse("2001:db8:0:1::ffff"), 64));
        assertFalse(a.sameSubnet(IpAddress.parse("2001:db8:0:2::10"), 64));
        assertFalse(a.sameSubnet(IpAddress.parse("2001:db8:0:1::12"), 127));
        assertTrue(a.sameSubnet(IpAddress.parse("2001:db8:0:1::11"), 127));
        assertTrue(a.sameSubnet(IpAddress.parse("2001:db8:0:1::11"), 120));
        IpAddress b = IpAddress.parse("192.0.2.10");
        assertTrue(b.sameSubnet(IpAddress.parse("192.0.2.200"), 24));
        assertFalse(b.sameSubnet(IpAddress.parse("198.51.100.10"), 24));
        assertFalse(b.sameSubnet(a, 0));
    }

    @Test
    void readsAndWritesTheWordsOfAFrame() {
        byte[] frame = new byte[40];
        IpAddress a = IpAddress.parse("2001:db8::1:2");
        IpAddress.writeLong(frame, 24, a.high());
        IpAddress.writeLong(frame, 32, a.low());
        assertEquals(a, IpAddress.ofIpv6(frame, 24));
        assertEquals("2001:db8:0:0:0:0:1:2", a.toInetAddress().getHostAddress());
    }
}
