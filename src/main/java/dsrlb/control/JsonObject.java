package dsrlb.control;

import dsrlb.control.JsonParser.JsonException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Typed access to a parsed JSON object, with messages that name the member that is wrong. */
final class JsonObject {
    private final Map<String, Object> members;
    private final String path;

    JsonObject(Map<String, Object> members, String path) {
        this.members = members;
        this.path = path;
    }

    boolean has(String name) {
        return members.get(name) != null;
    }

    String string(String name) throws JsonException {
        return (String) required(name, String.class);
    }

    /** A string that may be null. */
    String optionalString(String name) throws JsonException {
        return has(name) ? string(name) : null;
    }

    long number(String name) throws JsonException {
        Object v = required(name, Number.class);
        if (v instanceof Long l) {
            return l;
        }
        throw new JsonException(where(name) + " is not an integer");
    }

    int integer(String name) throws JsonException {
        long v = number(name);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new JsonException(where(name) + " is out of range");
        }
        return (int) v;
    }

    /** A decimal that may be null. */
    BigDecimal optionalDecimal(String name) throws JsonException {
        if (!has(name)) {
            return null;
        }
        Object v = required(name, Number.class);
        return v instanceof BigDecimal d ? d : BigDecimal.valueOf(((Number) v).longValue());
    }

    boolean bool(String name) throws JsonException {
        return (Boolean) required(name, Boolean.class);
    }

    Instant instant(String name) throws JsonException {
        try {
            return Instant.parse(string(name));
        } catch (DateTimeParseException e) {
            throw new JsonException(where(name) + " is not a time: " + e.getMessage());
        }
    }

    /** A port: a number, or "*" for any port (-1). */
    int port(String name) throws JsonException {
        Object v = members.get(name);
        if ("*".equals(v)) {
            return -1;
        }
        int p = integer(name);
        if (p < 0 || p > 65535) {
            throw new JsonException(where(name) + " is not a port");
        }
        return p;
    }

    @SuppressWarnings("unchecked")
    JsonObject object(String name) throws JsonException {
        return new JsonObject((Map<String, Object>) required(name, Map.class), where(name));
    }

    /** An object that may be null. */
    JsonObject optionalObject(String name) throws JsonException {
        return has(name) ? object(name) : null;
    }

    @SuppressWarnings("unchecked")
    List<JsonObject> objects(String name) throws JsonException {
        List<Object> items = (List<Object>) required(name, List.class);
        List<JsonObject> out = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            if (!(items.get(i) instanceof Map)) {
                throw new JsonException(where(name) + "[" + i + "] is not an object");
            }
            out.add(new JsonObject((Map<String, Object>) items.get(i), where(name) + "[" + i + "]"));
        }
        return out;
    }

    Map<String, Object> members() {
        return members;
    }

    private Object required(String name, Class<?> type) throws JsonException {
        Object v = members.get(name);
        if (v == null) {
            throw new JsonException(where(name) + " is missing");
        }
        if (!type.isInstance(v)) {
            throw new JsonException(
                    where(name) + " is not a " + type.getSimpleName().toLowerCase(java.util.Locale.ROOT));
        }
        return v;
    }

    private String where(String name) {
        return path.isEmpty() ? name : path + "." + name;
    }
}
