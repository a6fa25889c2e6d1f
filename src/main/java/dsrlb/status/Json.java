package dsrlb.status;

import com.fasterxml.jackson.annotation.JacksonAnnotationsInside;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.PrettyPrinter;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.exc.InvalidNullException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import java.io.IOException;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * The one Jackson configuration for the JSON dsrlb writes (control answers, {@code probe} and
 * {@code storm --json}) and reads back. Output is compact and ASCII only; reading is strict:
 * trailing text, duplicate members and deep nesting are errors, a member the record does not
 * know is ignored (a newer daemon's extra fields do not break an older client), and a member
 * it needs that is absent or null is an error unless the component is {@link Nullable}.
 */
public final class Json {
    /** Deep enough for any answer; a hostile peer cannot exhaust the stack. */
    public static final int MAX_DEPTH = 64;

    private static final ObjectMapper MAPPER = JsonMapper.builder(new JsonFactoryBuilder()
                    .characterEscapes(new AsciiEscapes())
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(MAX_DEPTH)
                            .build())
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
                    .build())
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .defaultSetterInfo(JsonSetter.Value.forValueNulls(Nulls.FAIL))
            .addModule(new SimpleModule("dsrlb")
                    .addSerializer(Instant.class, ToStringSerializer.instance)
                    .addDeserializer(Instant.class, new InstantReader()))
            .build();

    private Json() {}

    /** Compact JSON of a record (or list, map, string...). */
    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            // Only a serializer bug gets here: every value written is one of our records.
            throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
        }
    }

    /**
     * {@link #write(Object)}'s JSON as bytes (ASCII, so also UTF-8), written straight into them:
     * what an HTTP answer sends, without the String and its copy in between.
     */
    public static byte[] writeBytes(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
        }
    }

    /** JSON of {@code value} laid out by {@code printer} (still ASCII only). */
    public static String write(Object value, PrettyPrinter printer) {
        try {
            return MAPPER.writer(printer).writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
        }
    }

    /** One JSON value, optionally surrounded by whitespace. */
    public static JsonNode parse(String text) throws JsonException {
        JsonNode node;
        try {
            node = MAPPER.readTree(text);
        } catch (StreamConstraintsException e) {
            throw new JsonException("nested deeper than " + MAX_DEPTH + location(e));
        } catch (JsonProcessingException e) {
            throw new JsonException(e.getOriginalMessage() + location(e));
        }
        if (node == null || node.isMissingNode()) {
            throw new JsonException("no JSON value");
        }
        return node;
    }

    /** A JSON object, or an exception saying it is not one. */
    public static JsonNode parseObject(String text) throws JsonException {
        JsonNode node = parse(text);
        if (!node.isObject()) {
            throw new JsonException("not a JSON object");
        }
        return node;
    }

    /** The whole object as a {@code type}. */
    public static <T> T read(JsonNode node, Class<T> type) throws JsonException {
        return type.cast(convert(node, "", MAPPER.constructType(type)));
    }

    /** Member {@code name} of an object as a {@code type}; messages name the member that is wrong. */
    public static <T> T read(JsonNode object, String name, Class<T> type) throws JsonException {
        return type.cast(convert(member(object, name), name, MAPPER.constructType(type)));
    }

    @SuppressWarnings("unchecked") // the reader built for type returns a T
    public static <T> T read(JsonNode object, String name, TypeReference<T> type) throws JsonException {
        return (T) convert(member(object, name), name, MAPPER.constructType(type));
    }

    /** What a member says, or null when it is absent or null. */
    public static String optionalText(JsonNode object, String name) {
        JsonNode n = object.get(name);
        return n == null || n.isNull() ? null : n.asText();
    }

    private static JsonNode member(JsonNode object, String name) throws JsonException {
        JsonNode n = object.get(name);
        if (n == null || n.isNull()) {
            throw new JsonException(name + " is missing");
        }
        return n;
    }

    private static Object convert(JsonNode node, String path, JavaType type) throws JsonException {
        try {
            return MAPPER.readerFor(type).readValue(node);
        } catch (JsonMappingException e) {
            StringBuilder where = new StringBuilder(path);
            for (JsonMappingException.Reference r : e.getPath()) {
                if (r.getFieldName() != null) {
                    where.append(where.length() == 0 ? "" : ".").append(r.getFieldName());
                } else if (r.getIndex() >= 0) {
                    where.append('[').append(r.getIndex()).append(']');
                }
            }
            throw new JsonException(
                    e instanceof InvalidNullException ? where + " is missing" : where + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new JsonException(path + ": " + e.getMessage());
        }
    }

    private static String location(JsonProcessingException e) {
        return e.getLocation() == null ? "" : " at offset " + e.getLocation().getCharOffset();
    }

    /** Text that is not the JSON it should be. */
    public static final class JsonException extends Exception {
        private static final long serialVersionUID = 1L;

        public JsonException(String message) {
            super(message);
        }
    }

    /** A record component that may be null (or absent) when read; the rest must be there. */
    @Target({ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER, ElementType.ANNOTATION_TYPE})
    @Retention(RetentionPolicy.RUNTIME)
    @JacksonAnnotationsInside
    @JsonSetter(nulls = Nulls.SET)
    public @interface Nullable {}

    /**
     * A port as a number, -1 ({@code *}) as the string {@code "*"}: what the config and NetScaler
     * print.
     */
    @Target({ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER, ElementType.ANNOTATION_TYPE})
    @Retention(RetentionPolicy.RUNTIME)
    @JacksonAnnotationsInside
    @JsonSerialize(using = PortWriter.class)
    @JsonDeserialize(using = PortReader.class)
    public @interface Port {}

    /** Seconds with six decimals (a probe's response time, where 1 ns is noise). */
    @Target({ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER, ElementType.ANNOTATION_TYPE})
    @Retention(RetentionPolicy.RUNTIME)
    @JacksonAnnotationsInside
    @JsonSerialize(using = MicrosWriter.class)
    @JsonDeserialize(using = SecondsReader.class)
    public @interface Micros {}

    /** {@code d} in seconds with a fixed number of decimals, written as it is formatted. */
    public static BigDecimal seconds(Duration d, int decimals) {
        return new BigDecimal(String.format(Locale.ROOT, "%." + decimals + "f", d.toNanos() / 1e9));
    }

    static final class PortWriter extends StdSerializer<Integer> {
        private static final long serialVersionUID = 1L;

        PortWriter() {
            super(Integer.class);
        }

        @Override
        public void serialize(Integer port, JsonGenerator g, SerializerProvider provider) throws IOException {
            if (port < 0) {
                g.writeString("*");
            } else {
                g.writeNumber(port);
            }
        }
    }

    static final class PortReader extends StdDeserializer<Integer> {
        private static final long serialVersionUID = 1L;

        PortReader() {
            super(Integer.class);
        }

        @Override
        public Integer deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken() == JsonToken.VALUE_STRING && p.getText().equals("*")) {
                return -1;
            }
            if (p.currentToken() == JsonToken.VALUE_NUMBER_INT
                    && p.getNumberType() == JsonParser.NumberType.INT
                    && p.getIntValue() >= 0
                    && p.getIntValue() <= 65535) {
                return p.getIntValue();
            }
            return (Integer) ctxt.handleUnexpectedToken(Integer.class, p.currentToken(), p, "not a port");
        }
    }

    static final class MicrosWriter extends StdSerializer<Duration> {
        private static final long serialVersionUID = 1L;

        MicrosWriter() {
            super(Duration.class);
        }

        @Override
        public void serialize(Duration d, JsonGenerator g, SerializerProvider provider) throws IOException {
            g.writeNumber(seconds(d, 6));
        }
    }

    static final class SecondsReader extends StdDeserializer<Duration> {
        private static final long serialVersionUID = 1L;

        SecondsReader() {
            super(Duration.class);
        }

        @Override
        public Duration deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (!p.currentToken().isNumeric()) {
                return (Duration) ctxt.handleUnexpectedToken(Duration.class, p);
            }
            return Duration.ofNanos(p.getDecimalValue().movePointRight(9).longValue());
        }
    }

    static final class InstantReader extends StdDeserializer<Instant> {
        private static final long serialVersionUID = 1L;

        InstantReader() {
            super(Instant.class);
        }

        @Override
        public Instant deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken() != JsonToken.VALUE_STRING) {
                return (Instant) ctxt.handleUnexpectedToken(Instant.class, p);
            }
            try {
                return Instant.parse(p.getText());
            } catch (DateTimeParseException e) {
                return (Instant) ctxt.handleWeirdStringValue(Instant.class, p.getText(), "not a time");
            }
        }
    }

    /**
     * Everything outside printable ASCII as a lower-case {@code \\u} escape (the short escapes
     * for the usual controls), so a reason string with odd bytes cannot break a terminal or a
     * parser; what the hand-written writer before Jackson wrote, byte for byte.
     */
    static final class AsciiEscapes extends CharacterEscapes {
        private static final long serialVersionUID = 1L;
        private final int[] ascii = standardAsciiEscapesForJSON();

        AsciiEscapes() {
            for (int c = 0; c < ascii.length; c++) {
                if (ascii[c] == ESCAPE_STANDARD && c < 0x20) {
                    ascii[c] = ESCAPE_CUSTOM;
                }
            }
            ascii[0x7f] = ESCAPE_CUSTOM;
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return ascii;
        }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            return new SerializedString(String.format(Locale.ROOT, "\\u%04x", ch));
        }
    }
}
