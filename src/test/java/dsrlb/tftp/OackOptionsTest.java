package dsrlb.tftp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class OackOptionsTest {
    @Test
    void theServerMayLowerBlksizeAndAnnounceTheSize() throws Exception {
        assertEquals(
                new OackOptions(1024, OptionalLong.of(4096)),
                OackOptions.negotiate(Map.of("blksize", "1024", "tsize", "4096"), 1468));
    }

    @Test
    void anOptionLeftOutIsNotInEffect() throws Exception {
        assertEquals(
                new OackOptions(OackOptions.DEFAULT_BLKSIZE, OptionalLong.of(7)),
                OackOptions.negotiate(Map.of("tsize", "7"), 1468));
    }

    @Test
    void aLargerBlksizeAnOptionNotAskedOrANonNumberIsRefused() {
        assertEquals(
                "OACK blksize 2000 outside 8..1468 (asked 1468)",
                assertThrows(OackOptions.Refused.class, () -> OackOptions.negotiate(Map.of("blksize", "2000"), 1468))
                        .getMessage());
        assertThrows(OackOptions.Refused.class, () -> OackOptions.negotiate(Map.of("timeout", "1"), 1468));
        Map<String, String> negative = new LinkedHashMap<>();
        negative.put("tsize", "-1");
        assertThrows(OackOptions.Refused.class, () -> OackOptions.negotiate(negative, 1468));
    }
}
