package dsrlb.config;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ConfigManualTest {
    @Test
    void everyCommandAndOptionTheParserReadsIsDescribed() {
        for (CommandSpec spec : ConfigParser.commandTable()) {
            assertTrue(ConfigManual.COMMANDS.containsKey(spec.name()), "no description of " + spec.name());
            for (String option : spec.options().values()) {
                assertTrue(ConfigManual.OPTIONS.containsKey(option), "no description of -" + option);
            }
        }
        String manual = ConfigManual.asciidoc();
        assertFalse(manual.contains("null"), manual);
        assertTrue(manual.contains("=== add lb vserver"), manual);
        assertTrue(manual.contains("-gslb"), "the accepted NetScaler options are listed: " + manual);
    }
}
