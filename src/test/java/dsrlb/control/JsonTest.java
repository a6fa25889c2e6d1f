package dsrlb.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dsrlb.control.JsonParser.JsonException;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    void writesCompactJsonWithCommasInTheRightPlaces() {
        String json = new JsonWriter()
                .beginObject()
                .field("a", 1)
                .name("b")
                .beginArray()
                .value("x")
                .value(true)
                .nullValue()
                .beginObject()
                .endObject()
                .endArray()
                .name("c")
                .beginObject()
                .field("d", false)
                .endObject()
                .name("e")
                .value(0.0375, 6)
                .endObject()
                .toString();
        assertEquals("{\"a\":1,\"b\":[\"x\",true,null,{}],\"c\":{\"d\":false},\"e\":0.037500}", json);
    }

    @Test
    void escapesWhatJsonRequiresAndNonAsciiAsUnicodeEscapes() {
        String nasty = "q\"b\\s/n\nr\rt\tb\bf\fnul\0é€😀\u007f";
        String quoted = JsonWriter.quote(nasty);
        assertEquals("\"q\\\"b\\\\s/n\\nr\\rt\\tb\\bf\\fnul\\u0000\\u00e9\\u20ac\\ud83d\\ude00\\u007f\"", quoted);
        assertTrue(quoted.chars().allMatch(c -> c >= 0x20 && c < 0x7f), quoted);
        assertEquals(nasty, parse(quoted));
    }

    @Test
    void parsesEveryKindOfValue() throws JsonException {
        Map<String, Object> m = JsonParser.parseObject(
                " {\"s\":\"a\\u0041\\/\",\"i\":-12,\"big\":123456789012345678901,\"d\":1.5e3,\"t\":true,"
                        + "\"f\":false,\"n\":null,\"a\":[1,[2],{}]} \n");
        assertEquals("aA/", m.get("s"));
        assertEquals(-12L, m.get("i"));
        assertEquals(new BigDecimal("123456789012345678901"), m.get("big"));
        assertEquals(0, new BigDecimal("1500").compareTo((BigDecimal) m.get("d")));
        assertEquals(Boolean.TRUE, m.get("t"));
        assertEquals(Boolean.FALSE, m.get("f"));
        assertTrue(m.containsKey("n") && m.get("n") == null);
        assertEquals(List.of(1L, List.of(2L), Map.of()), m.get("a"));
        assertEquals(Long.MAX_VALUE, JsonParser.parse(Long.toString(Long.MAX_VALUE)));
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
            assertThrows(JsonException.class, () -> JsonParser.parse(bad), bad);
        }
    }

    @Test
    void boundsNesting() {
        String deep = "[".repeat(JsonParser.MAX_DEPTH + 1) + "]".repeat(JsonParser.MAX_DEPTH + 1);
        JsonException e = assertThrows(JsonException.class, () -> JsonParser.parse(deep));
        assertTrue(e.getMessage().contains("nested deeper"), e.getMessage());
        String ok = "[".repeat(JsonParser.MAX_DEPTH) + "]".repeat(JsonParser.MAX_DEPTH);
        assertTrue(parse(ok) instanceof List<?>);
    }

    private static Object parse(String json) {
        try {
            return JsonParser.parse(json);
        } catch (JsonException e) {
            throw new AssertionError(e);
        }
    }
}
