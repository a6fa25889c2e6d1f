package dsrlb.announce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The announce decision (HA role × services UP) and its application to a link, without root. */
class AnnouncerTest {
    /** A link that records every set and can be made to fail. */
    static final class RecordingLink implements LinkSwitch {
        final List<Boolean> sets = new ArrayList<>();
        boolean fail;

        @Override
        public String name() {
            return "dsrlb-up";
        }

        @Override
        public void setUp(boolean up) throws IOException {
            if (fail) {
                throw new IOException("ENODEV");
            }
            sets.add(up);
        }
    }

    boolean active;
    boolean serving;
    final RecordingLink link = new RecordingLink();
    final Announcer announcer = new Announcer(link, () -> active, () -> serving);

    @ParameterizedTest(name = "active={0} serviceUp={1} -> {2}")
    @CsvSource({"true, true, true", "true, false, false", "false, true, false", "false, false, false"})
    void announcesOnlyWhileActiveWithAServiceUp(boolean isActive, boolean isServing, boolean expected) {
        assertEquals(expected, Announcer.shouldAnnounce(isActive, isServing));
        active = isActive;
        serving = isServing;
        announcer.run();
        assertEquals(List.of(expected), link.sets, "the first run sets the link either way");
        assertEquals(expected, announcer.isUp());
    }

    @Test
    void followsEveryTransitionAndTouchesTheLinkOnlyOnAChange() {
        announcer.run(); // standby, nothing up: down
        active = true;
        announcer.run(); // active, still nothing up: no change
        serving = true;
        announcer.run(); // up
        announcer.run(); // no change
        serving = false;
        announcer.run(); // last service DOWN: down
        serving = true;
        announcer.run(); // up again
        active = false;
        announcer.run(); // standby: down
        assertEquals(List.of(false, true, false, true, false), link.sets);
        assertFalse(announcer.isUp());
    }

    @Test
    void aFailedSetIsTriedAgainAtTheNextRun() {
        active = true;
        serving = true;
        link.fail = true;
        announcer.run();
        assertFalse(announcer.isUp(), "not reported up while the link could not be set");
        assertTrue(link.sets.isEmpty());
        link.fail = false;
        announcer.run();
        assertEquals(List.of(true), link.sets);
        assertTrue(announcer.isUp());
    }

    @Test
    void interfaceNamesAreCheckedBeforeTheKernelSeesThem() {
        assertEquals("dsrlb-up", TunInterface.checkName("dsrlb-up"));
        assertEquals("a23456789012345", TunInterface.checkName("a23456789012345"));
        for (String bad : new String[] {"", "a234567890123456", "eth0:1", "a/b", "has space", ".", ".."}) {
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> TunInterface.checkName(bad), bad);
            assertTrue(e.getMessage().contains("not an interface name"), e.getMessage());
        }
    }

    @Test
    void theIfreqHoldsTheNameNulTerminatedIn40Bytes() {
        byte[] ifr = TunInterface.ifreq("dsrlb-up");
        assertEquals(40, ifr.length);
        assertEquals("dsrlb-up", new String(ifr, 0, 8, java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals(0, ifr[8]);
    }
}
