package dsrlb.control;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * {@code enable service <name>} and {@code disable service <name> [-graceful YES|NO] [-delay s]}
 * in NetScaler's words; every other request goes on to the read-only responder.
 */
public final class ControlResponder extends ChainedResponder {
    private static final long MAX_DELAY_SECONDS = 86_400;

    private final ServiceControl control;

    public ControlResponder(ServiceControl control, RequestHandler next) {
        super(next);
        this.control = control;
    }

    @Override
    protected boolean handles(List<String> t) {
        return (firstWordIs(t, "enable") || firstWordIs(t, "disable"))
                && t.size() >= 2
                && t.get(1).equalsIgnoreCase("service");
    }

    @Override
    protected String answer(String line, List<String> t) {
        boolean enable = firstWordIs(t, "enable");
        if (t.size() < 3) {
            return ResponseWriter.error("missing service name: " + t.get(0) + " service <name>");
        }
        String name = t.get(2);
        if (enable) {
            if (t.size() > 3) {
                return ResponseWriter.error("enable service takes only a name");
            }
            return answer(line, name, control.enable(name));
        }
        boolean graceful = false;
        Duration delay = Duration.ZERO;
        for (int i = 3; i < t.size(); i += 2) {
            String option = t.get(i).toLowerCase(Locale.ROOT);
            if (i + 1 >= t.size()) {
                return ResponseWriter.error("option " + t.get(i) + " needs a value");
            }
            String value = t.get(i + 1);
            switch (option) {
                case "-graceful" -> {
                    if (!value.equalsIgnoreCase("YES") && !value.equalsIgnoreCase("NO")) {
                        return ResponseWriter.error("-graceful takes YES or NO, not '" + value + "'");
                    }
                    graceful = value.equalsIgnoreCase("YES");
                }
                case "-delay" -> {
                    if (!value.matches("[0-9]{1,6}") || Long.parseLong(value) > MAX_DELAY_SECONDS) {
                        return ResponseWriter.error(
                                "-delay takes seconds 0.." + MAX_DELAY_SECONDS + ", not '" + value + "'");
                    }
                    delay = Duration.ofSeconds(Long.parseLong(value));
                }
                default -> {
                    return ResponseWriter.error("unknown option " + t.get(i) + " for disable service");
                }
            }
        }
        if (!graceful && !delay.isZero()) {
            return ResponseWriter.error("-delay goes with -graceful YES");
        }
        return answer(line, name, control.disable(name, graceful, delay));
    }

    private String answer(String line, String name, boolean found) {
        if (!found) {
            return ResponseWriter.error("no service named '" + name + "'");
        }
        return ResponseWriter.answer(line.strip(), new ServiceState(name, control.state(name)));
    }

    private record ServiceState(String service, String state) {}
}
