package dsrlb.ha;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dsrlb.control.ResponseReader;
import org.junit.jupiter.api.Test;

class HaResponderTest {
    private boolean active = true;
    private int activations;
    private final HaResponder responder = new HaResponder(
            new HaControl() {
                @Override
                public void activate() {
                    active = true;
                    activations++;
                }

                @Override
                public void standby() {
                    active = false;
                }

                @Override
                public boolean isActive() {
                    return active;
                }
            },
            line -> "{\"next\":\"" + line + "\"}");

    @Test
    void switchesRolesAndSaysWhichItIsIn() throws Exception {
        assertEquals(
                "standby", ResponseReader.of(responder.respond("ha standby")).haRole());
        assertFalse(active);
        assertEquals(
                "standby", ResponseReader.of(responder.respond("HA status")).haRole());
        assertEquals("active", ResponseReader.of(responder.respond("ha active")).haRole());
        assertTrue(active);
        assertEquals(1, activations);
    }

    @Test
    void refusesWhatItDoesNotKnowAndPassesOtherRequestsOn() throws Exception {
        assertTrue(ResponseReader.of(responder.respond("ha master")).error().contains("active, standby or status"));
        assertTrue(ResponseReader.of(responder.respond("ha")).error().contains("usage"));
        assertTrue(active, "a refused request changes nothing");
        assertEquals("{\"next\":\"show lb vserver\"}", responder.respond("show lb vserver"));
    }

    @Test
    void reportsTheAnnouncementOnlyWhenThereIsOne() throws Exception {
        assertNull(ResponseReader.of(responder.respond("ha status")).announce());
        assertFalse(responder.respond("ha status").contains("announce"), "no member without an interface");
        HaResponder announcing = new HaResponder(
                new HaControl() {
                    boolean on = true;

                    @Override
                    public void activate() {
                        on = true;
                    }

                    @Override
                    public void standby() {
                        on = false;
                    }

                    @Override
                    public boolean isActive() {
                        return on;
                    }

                    @Override
                    public Announcement announcement() {
                        return new Announcement("dsrlb-up", on);
                    }
                },
                line -> "{}");
        assertEquals(
                "dsrlb-up up",
                ResponseReader.of(announcing.respond("ha status")).announce());
        assertEquals(
                "dsrlb-up down",
                ResponseReader.of(announcing.respond("ha standby")).announce());
    }
}
