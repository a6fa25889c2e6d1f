package dsrlb.offload;

import dsrlb.control.JsonParser;
import dsrlb.net.Ipv4;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Reads what libnftables prints in JSON for `list map` and `list counter` (nftables 1.0.x schema). */
final class NftJson {
    private NftJson() {}

    /** @param expiresSeconds seconds left before the kernel forgets it, -1 when it never does */
    record Element(int client, String mac, long expiresSeconds) {}

    static List<Element> mapElements(String json) throws JsonParser.JsonException {
        List<Element> out = new ArrayList<>();
        for (Object item : items(json)) {
            Map<?, ?> map = object(object(item).get("map"));
            if (map == null || !(map.get("elem") instanceof List<?> elems)) {
                continue;
            }
            for (Object e : elems) {
                // [ key, value ]; the key is "a.b.c.d" or {"elem": {"val": "a.b.c.d", "expires": n, ...}}
                if (!(e instanceof List<?> pair) || pair.size() != 2) {
                    continue;
                }
                Object k = pair.get(0);
                long expires = -1;
                if (k instanceof Map<?, ?> km && km.get("elem") instanceof Map<?, ?> inner) {
                    k = inner.get("val");
                    if (inner.get("expires") instanceof Number n) {
                        expires = n.longValue();
                    }
                }
                if (k instanceof String ip && pair.get(1) instanceof String mac) {
                    out.add(new Element(Ipv4.parse(ip), mac.toLowerCase(java.util.Locale.ROOT), expires));
                }
            }
        }
        return out;
    }

    /** @return {packets, bytes} */
    static long[] counter(String json) throws JsonParser.JsonException {
        for (Object item : items(json)) {
            Map<?, ?> c = object(object(item).get("counter"));
            if (c != null && c.get("packets") instanceof Number p && c.get("bytes") instanceof Number b) {
                return new long[] {p.longValue(), b.longValue()};
            }
        }
        throw new JsonParser.JsonException("no counter in nft's answer");
    }

    /** Table names in a `list tables` answer. */
    static java.util.Set<String> tableNames(String json) throws JsonParser.JsonException {
        return names(json, "table");
    }

    /** Names of the named counters in a `list counters table` answer. */
    static java.util.Set<String> counterNames(String json) throws JsonParser.JsonException {
        return names(json, "counter");
    }

    private static java.util.Set<String> names(String json, String kind) throws JsonParser.JsonException {
        java.util.Set<String> out = new java.util.LinkedHashSet<>();
        for (Object item : items(json)) {
            Map<?, ?> o = object(object(item).get(kind));
            if (o != null && o.get("name") instanceof String name) {
                out.add(name);
            }
        }
        return out;
    }

    private static List<?> items(String json) throws JsonParser.JsonException {
        Map<String, Object> root = JsonParser.parseObject(json);
        if (!(root.get("nftables") instanceof List<?> items)) {
            throw new JsonParser.JsonException("no \"nftables\" array in nft's answer");
        }
        return items;
    }

    private static Map<?, ?> object(Object o) {
        return o instanceof Map<?, ?> m ? m : null;
    }
}
