package dsrlb.engine;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CapabilitiesTest {
    @Test
    void netRawOnlyAsTheOldUnitGrantedIt() {
        Capabilities c = Capabilities.parse("Name:\tjava\nCapInh:\t0000000000000000\nCapEff:\t0000000000002000\n");
        assertTrue(c.has(Capabilities.CAP_NET_RAW));
        assertFalse(c.has(Capabilities.CAP_NET_ADMIN));
    }

    @Test
    void rootHasBoth() {
        Capabilities c = Capabilities.parse("CapEff:\t000001ffffffffff\n");
        assertTrue(c.has(Capabilities.CAP_NET_RAW));
        assertTrue(c.has(Capabilities.CAP_NET_ADMIN));
    }

    @Test
    void noCapEffLineIsAnError() {
        assertThrows(IllegalArgumentException.class, () -> Capabilities.parse("Name:\tjava\n"));
    }
}
