package dsrlb.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dsrlb.status.Json.JsonException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
    record Inner(boolean d) {}

    record Doc(int a, List<Object> b, Inner c, BigDecimal e) {}

    @Test
    void writesCompactJsonWithCommasInTheRightPlaces() {
        String json = Json.write(new Doc(
                1,
                Arrays.asList("x", true, null, Map.of()),
                new Inner(false),
                Json.seconds(Duration.ofNanos(37_500_000), 6)));
        assertEquals("{\"a\":1,\"b\":[\"x\",true,null,{}],\"c\":{\"d\":false},\"e\":0.037500}", json);
    }

    @Test
    void escapesWhatJsonRequiresAndNonAsciiAsUnicodeEscapes() throws JsonException {
        String nasty = "q\"b\\s/n\nr\rt\tb\bf\fnul\0é€😀\u007f";
        String quoted = Json.write(nasty);
        assertEquals("\"q\\\"b\\\\s/n\\nr\\rt\\tb\\bf\\fnul\\u0000\\u00e9\\u20ac\\ud83d\\ude00\\u007f\"", quoted);
        assertTrue(quoted.chars().allMatch(c -> c >= 0x20 && c < 0x7f), quoted);
        assertEquals(nasty, Json.parse(quoted).textValue());
    }

    @Test
    void theBytesAreTheStringsJsonInAscii() {
        // writeBytes takes Jackson's UTF-8 generator, write its character one: the same escapes.
        Object doc = Map.of(
                "k",
                List.of("q\"b\\s/n\nr\rt\tb\bf\fnul\0é€😀\u007f", 1, true),
                "e",
                Json.seconds(Duration.ofMillis(2), 6));
        String json = Json.write(doc);
        assertEquals(json, new String(Json.writeBytes(doc), StandardCharsets.US_ASCII));
        assertTrue(json.contains("\\ud83d\\ude00"), json);
    }

    @Test
    void parsesEveryKindOfValue() throws JsonException {
        JsonNode m = Json.parseObject(
                " {\"s\":\"a\\u0041\\/\",\"i\":-12,\"big\":123456789012345678901,\"d\":1.5e3,\"t\":true,"
                        + "\"f\":false,\"n\":null,\"a\":[1,[2],{}]} \n");
        assertEquals("aA/", m.get("s").textValue());
        assertEquals(-12L, m.get("i").longValue());
        assertEquals(new BigDecimal("123456789012345678901"), m.get("big").decimalValue());
        assertEquals(0, new BigDecimal("1500").compareTo(m.get("d").decimalValue()));
        assertTrue(m.get("t").booleanValue());
        assertFalse(m.get("f").booleanValue());
        assertTrue(m.has("n") && m.get("n").isNull());
        assertEquals(Json.parse("[1,[2],{}]"), m.get("a"));
        assertEquals(Long.MAX_VALUE, Json.parse(Long.toString(Long.MAX_VALUE)).longValue());
    }

    @Test
    void rejectsWhatIsNotJson() {
        for (String bad : new String[] {
            "",
            "{",
            "{\"a\":1,}",
            "[1,]",
            "{\"a\" 1}",
            "{a:1}",
            "'x'",
            "01",
            "1.",
            "-",
            "1e",
            "\"\\x\"",
            "\"\\u12\"",
            "\"a\nb\"",
            "tru",
            "nul",
            "{} {}",
            "{\"a\":1,\"a\":2}",
            "[1 2]",
            "\"unterminated"
        }) {
            assertThrows(JsonException.class, () -> Json.parse(bad), bad);
        }
    }

    @Test
    void boundsNesting() throws JsonException {
        String deep = "[".repeat(Json.MAX_DEPTH + 1) + "]".repeat(Json.MAX_DEPTH + 1);
        JsonException e = assertThrows(JsonException.class, () -> Json.parse(deep));
        assertTrue(e.getMessage().contains("nested deeper"), e.getMessage());
        String ok = "[".repeat(Json.MAX_DEPTH) + "]".repeat(Json.MAX_DEPTH);
        assertTrue(Json.parse(ok).isArray());
    }
}
