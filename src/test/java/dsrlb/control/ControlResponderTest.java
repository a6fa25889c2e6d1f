package dsrlb.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ControlResponderTest {
    final List<String> calls = new ArrayList<>();
    final ControlResponder responder = new ControlResponder(
            new ServiceControl() {
                @Override
                public boolean enable(String service) {
                    calls.add("enable " + service);
                    return service.equals("tftp1");
                }

                @Override
                public boolean disable(String service, boolean graceful, Duration delay) {
                    calls.add("disable " + service + " " + graceful + " " + delay.toSeconds());
                    return service.equals("tftp1");
                }

                @Override
                public String state(String service) {
                    return "GOING OUT OF SERVICE";
                }
            },
            line -> "{\"ok\":true,\"next\":\"" + line + "\"}");

    @Test
    void steersInNetScalersWords() {
        String a = responder.respond("disable service tftp1 -graceful YES -delay 30");
        assertEquals(List.of("disable tftp1 true 30"), calls);
        assertTrue(a.contains("\"ok\":true") && a.contains("\"state\":\"GOING OUT OF SERVICE\""), a);
        responder.respond("DISABLE SERVICE tftp1");
        responder.respond("enable service tftp1");
        assertEquals(List.of("disable tftp1 true 30", "disable tftp1 false 0", "enable tftp1"), calls);
    }

    @Test
    void refusesWhatItDoesNotUnderstand() {
        assertTrue(responder.respond("disable service nope").contains("no service named 'nope'"));
        assertTrue(responder.respond("disable service").contains("missing service name"));
        assertTrue(responder.respond("disable service tftp1 -graceful MAYBE").contains("-graceful takes YES or NO"));
        assertTrue(responder.respond("disable service tftp1 -delay 5").contains("-delay goes with -graceful YES"));
        assertTrue(responder.respond("disable service tftp1 -graceful").contains("needs a value"));
        assertTrue(responder.respond("disable service tftp1 -bogus 1").contains("unknown option -bogus"));
        assertTrue(responder.respond("enable service tftp1 extra").contains("takes only a name"));
        assertEquals(List.of("disable nope false 0"), calls);
    }

    @Test
    void passesEverythingElseOn() {
        assertEquals("{\"ok\":true,\"next\":\"show service\"}", responder.respond("show service"));
        assertTrue(calls.isEmpty());
    }
}
