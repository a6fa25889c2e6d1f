package dsrlb.dataplane;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dsrlb.net.Ipv4;
import java.util.List;
import org.junit.jupiter.api.Test;

class NetworkInterfaceInfoTest {
    private static int[] a(String address, int prefix) {
        return new int[] {Ipv4.parse(address), prefix};
    }

    @Test
    void theLanAddressWinsOverAHostAddressListedBeforeIt() {
        assertArrayEquals(
                a("198.51.100.10", 24),
                NetworkInterfaceInfo.ownIpv4(List.of(a("198.51.100.21", 32), a("198.51.100.10", 24))));
    }

    @Test
    void ofTwoSubnetAddressesTheFirst() {
        assertArrayEquals(
                a("198.51.100.10", 24),
                NetworkInterfaceInfo.ownIpv4(List.of(a("198.51.100.10", 24), a("203.0.113.5", 28))));
    }

    @Test
    void aHostAddressAloneIsStillOurs() {
        assertArrayEquals(a("198.51.100.21", 32), NetworkInterfaceInfo.ownIpv4(List.of(a("198.51.100.21", 32))));
    }

    @Test
    void noAddressIsZero() {
        assertArrayEquals(new int[] {0, 0}, NetworkInterfaceInfo.ownIpv4(List.of()));
    }
}
