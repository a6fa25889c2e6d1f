package dsrlb.offload;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import dsrlb.net.Ipv4;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Reads what libnftables prints in JSON for `list map` and `list counter` (nftables 1.0.x schema). */
final class NftJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private NftJson() {}

    /** @param expiresSeconds seconds left before the kernel forgets it, -1 when it never does */
    record Element(int client, String mac, long expiresSeconds) {}

    static List<Element> mapElements(String json) throws JsonProcessingException {
        List<Element> out = new ArrayList<>();
        for (JsonNode item : items(json)) {
            JsonNode elems = item.path("map").path("elem");
            if (!elems.isArray()) {
                continue;
            }
            for (JsonNode pair : elems) {
                // [ key, value ]; the key is "a.b.c.d" or {"elem": {"val": "a.b.c.d", "expires": n, ...}}
                if (!pair.isArray() || pair.size() != 2) {
                    continue;
                }
                JsonNode k = pair.get(0);
                long expires = -1;
                if (k.path("elem").isObject()) {
                    JsonNode inner = k.get("elem");
                    k = inner.path("val");
                    if (inner.path("expires").isNumber()) {
                        expires = inner.get("expires").longValue();
                    }
                }
                if (k.isTextual() && pair.get(1).isTextual()) {
                    out.add(new Element(
                            Ipv4.parse(k.textValue()), pair.get(1).textValue().toLowerCase(Locale.ROOT), expires));
                }
            }
        }
        return out;
    }

    /** The first counter in the answer, as {packets, bytes}. */
    static long[] counter(String json) throws JsonProcessingException {
        for (JsonNode item : items(json)) {
            JsonNode c = item.path("counter");
            if (c.path("packets").isNumber() && c.path("bytes").isNumber()) {
                return new long[] {c.get("packets").longValue(), c.get("bytes").longValue()};
            }
        }
        throw MismatchedInputException.from(null, long[].class, "no counter in nft's answer");
    }

    /** Table names in a `list tables` answer. */
    static Set<String> tableNames(String json) throws JsonProcessingException {
        return names(json, "table");
    }

    /** Names of the named counters in a `list counters table` answer. */
    static Set<String> counterNames(String json) throws JsonProcessingException {
        return names(json, "counter");
    }

    private static Set<String> names(String json, String kind) throws JsonProcessingException {
        Set<String> out = new LinkedHashSet<>();
        for (JsonNode item : items(json)) {
            JsonNode name = item.path(kind).path("name");
            if (name.isTextual()) {
                out.add(name.textValue());
            }
        }
        return out;
    }

    private static JsonNode items(String json) throws JsonProcessingException {
        JsonNode items = MAPPER.readTree(json).path("nftables");
        if (!items.isArray()) {
            throw MismatchedInputException.from(null, List.class, "no \"nftables\" array in nft's answer");
        }
        return items;
    }
}
