package dsrlb.dataplane;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dsrlb.dataplane.NetworkInterfaceInfo.Ipv4Address;
import dsrlb.net.Ipv4;
import java.util.List;
import org.junit.jupiter.api.Test;

class NetworkInterfaceInfoTest {
    private static Ipv4Address a(String address, int prefix) {
        return new Ipv4Address(Ipv4.parse(address), prefix);
    }

    @Test
    void theLanAddressWinsOverAHostAddressListedBeforeIt() {
        assertEquals(
                a("198.51.100.10", 24),
                NetworkInterfaceInfo.ownIpv4(List.of(a("198.51.100.21", 32), a("198.51.100.10", 24))));
    }

    @Test
    void ofTwoSubnetAddressesTheFirst() {
        assertEquals(
                a("198.51.100.10", 24),
                NetworkInterfaceInfo.ownIpv4(List.of(a("198.51.100.10", 24), a("203.0.113.5", 28))));
    }

    @Test
    void aHostAddressAloneIsStillOurs() {
        assertEquals(a("198.51.100.21", 32), NetworkInterfaceInfo.ownIpv4(List.of(a("198.51.100.21", 32))));
    }

    @Test
    void noAddressIsNone() {
        assertEquals(new Ipv4Address(0, 0), NetworkInterfaceInfo.ownIpv4(List.of()));
    }
}
