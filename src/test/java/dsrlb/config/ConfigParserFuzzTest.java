package dsrlb.config;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Any text gives a config or a {@code file:line: message} error: never another exception, so
 * an operator never sees a stack trace for a typo. Corpus (real configs and the error cases of
 * the unit tests): src/test/resources/dsrlb/config/ConfigParserFuzzTestInputs/parse.
 */
class ConfigParserFuzzTest {
    private static final String FILE = "fuzz.conf";
    private static final Pattern MESSAGE =
            Pattern.compile(Pattern.quote(FILE) + ":(\\d+)(:\\d+)?: \\S.*", Pattern.DOTALL);

    @FuzzTest(maxDuration = "5m")
    @DictionaryEntries({
        "add ",
        "bind ",
        "set ",
        "enable ",
        "disable ",
        "ns ip ",
        "route ",
        "server ",
        "service ",
        "lb vserver ",
        "lb monitor ",
        " -type VIP",
        " ANY ",
        " UDP ",
        " TCP ",
        " * ",
        " -persistenceType ",
        "SOURCEIP",
        "NONE",
        " -timeout ",
        " -lbMethod ",
        "ROUNDROBIN",
        "SOURCEIPHASH",
        " -m MAC",
        " -persistenceMaxEntries ",
        " -weight ",
        " -monitorName ",
        " TFTP -file ",
        " -interval ",
        " -graceful YES",
        "255.255.255.255",
        "198.51.100.20",
        "#",
        // libFuzzer's dictionary syntax: a quote and a line break, escaped
        "\\x22",
        "\\x0a"
    })
    void parse(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.UTF_8);
        try {
            assertNotNull(ConfigParser.parse(FILE, text));
        } catch (ConfigException e) {
            Matcher m = MESSAGE.matcher(e.getMessage());
            assertTrue(m.matches(), "not file:line: message: " + e.getMessage());
            long line = Long.parseLong(m.group(1));
            long lines = Math.max(1, text.lines().count());
            assertTrue(line >= 1 && line <= lines, "line " + line + " of " + lines + ": " + e.getMessage());
        }
    }
}
