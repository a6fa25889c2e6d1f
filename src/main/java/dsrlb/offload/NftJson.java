package dsrlb.offload;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dsrlb.net.IpAddress;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Reads what libnftables prints in JSON for `list map`, `list counter` and `list tables`
 * (nftables 1.0.x schema). A map's listing holds every client of a VIP, up to a vserver's
 * million under a flood of spoofed sources (issue 18), so every answer is read with Jackson's
 * streaming parser, element by element, without a tree or a map per element.
 */
final class NftJson {
    // jackson-core's streaming parser alone: a table check runs four times a second and the
    // writer's first one must not wait for databind to load.
    private static final JsonFactory JSON = new JsonFactory();

    private NftJson() {}

    /**
     * One client of a kernel map.
     *
     * @param clientHigh the client's address ({@link IpAddress}: an IPv4 client in its mapped form)
     * @param expiresSeconds seconds left before the kernel forgets it, -1 when it never does
     */
    record Element(long clientHigh, long clientLow, String mac, long expiresSeconds) {
        /** An IPv4 client's element. */
        Element(int client, String mac, long expiresSeconds) {
            this(0, IpAddress.mappedLow(client), mac, expiresSeconds);
        }
    }

    /** Takes the elements of a `list map` answer as they are read. */
    @FunctionalInterface
    interface ElementSink {
        void element(Element e);
    }

    /** nft answered something that is not the JSON it documents. */
    static final class NftJsonException extends IOException {
        NftJsonException(String message) {
            super(message);
        }

        NftJsonException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Reads one item of the top-level "nftables" array; the parser stands on the item's value. */
    @FunctionalInterface
    private interface ItemReader {
        void read(String kind, JsonParser p) throws IOException;
    }

    static void mapElements(String json, ElementSink sink) throws NftJsonException {
        mapElements(Source.of(json), sink);
    }

    /**
     * The elements of a `list map` answer read from a stream (Nftables.run(commands, reader)):
     * the heap holds the parser's buffer and one element at a time, whatever the map holds.
     */
    static void mapElements(InputStream json, ElementSink sink) throws NftJsonException {
        mapElements(Source.of(json), sink);
    }

    /** What a parser is made from: a String (short answers, tests) or a stream. */
    @FunctionalInterface
    private interface Source {
        JsonParser open() throws IOException;

        static Source of(String json) {
            return () -> JSON.createParser(json);
        }

        static Source of(InputStream json) {
            return () -> JSON.createParser(json);
        }
    }

    private static void mapElements(Source json, ElementSink sink) throws NftJsonException {
        items(json, (kind, p) -> {
            if (!kind.equals("map") || p.currentToken() != JsonToken.START_OBJECT) {
                p.skipChildren();
                return;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                if (p.nextToken() == JsonToken.START_ARRAY && field.equals("elem")) {
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        Element e = element(p);
                        if (e != null) {
                            sink.element(e);
                        }
                    }
                } else {
                    p.skipChildren();
                }
            }
        });
    }

    /**
     * Reads {@code [ key, value ]}, where the key is "a.b.c.d" or {"elem": {"val": "a.b.c.d",
     * "expires": n, ...}} and the value a MAC; null for any other shape. Leaves the parser on the
     * element's last token.
     */
    private static Element element(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            p.skipChildren();
            return null;
        }
        String ip = null;
        long expires = -1;
        JsonToken t = p.nextToken();
        if (t == JsonToken.VALUE_STRING) {
            ip = p.getText();
        } else if (t == JsonToken.START_OBJECT) {
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                if (p.nextToken() == JsonToken.START_OBJECT && field.equals("elem")) {
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String inner = p.currentName();
                        JsonToken v = p.nextToken();
                        if (inner.equals("val") && v == JsonToken.VALUE_STRING) {
                            ip = p.getText();
                        } else if (inner.equals("expires") && v.isNumeric()) {
                            expires = p.getValueAsLong();
                        } else {
                            p.skipChildren();
                        }
                    }
                } else {
                    p.skipChildren();
                }
            }
        } else if (t == JsonToken.END_ARRAY) {
            return null;
        } else {
            p.skipChildren();
        }
        String mac = null;
        int size = 1;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            size++;
            if (size == 2 && p.currentToken() == JsonToken.VALUE_STRING) {
                mac = p.getText();
            }
            p.skipChildren();
        }
        if (size != 2 || ip == null || mac == null) {
            return null;
        }
        // An ipv4_addr map's keys are dotted quads, an ipv6_addr map's RFC 5952 text.
        IpAddress client = IpAddress.parse(ip);
        return new Element(client.high(), client.low(), mac.toLowerCase(Locale.ROOT), expires);
    }

    /** Returns {packets, bytes}. */
    static long[] counter(String json) throws NftJsonException {
        long[][] found = {null};
        items(Source.of(json), (kind, p) -> {
            if (found[0] != null || !kind.equals("counter") || p.currentToken() != JsonToken.START_OBJECT) {
                p.skipChildren();
                return;
            }
            Long packets = null;
            Long bytes = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken v = p.nextToken();
                if (v.isNumeric() && field.equals("packets")) {
                    packets = p.getValueAsLong();
                } else if (v.isNumeric() && field.equals("bytes")) {
                    bytes = p.getValueAsLong();
                } else {
                    p.skipChildren();
                }
            }
            if (packets != null && bytes != null) {
                found[0] = new long[] {packets, bytes};
            }
        });
        if (found[0] == null) {
            throw new NftJsonException("no counter in nft's answer");
        }
        return found[0];
    }

    /** Table names in a `list tables` answer. */
    static Set<String> tableNames(String json) throws NftJsonException {
        return names(json, "table");
    }

    /** Names of the named counters in a `list counters table` answer. */
    static Set<String> counterNames(String json) throws NftJsonException {
        return names(json, "counter");
    }

    private static Set<String> names(String json, String kind) throws NftJsonException {
        Set<String> out = new LinkedHashSet<>();
        items(Source.of(json), (k, p) -> {
            if (!k.equals(kind) || p.currentToken() != JsonToken.START_OBJECT) {
                p.skipChildren();
                return;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                if (p.nextToken() == JsonToken.VALUE_STRING && field.equals("name")) {
                    out.add(p.getText());
                } else {
                    p.skipChildren();
                }
            }
        });
        return out;
    }

    /** Walks {"nftables": [ {kind: {...}}, ... ]}, handing each item's value to the reader. */
    private static void items(Source json, ItemReader reader) throws NftJsonException {
        boolean found = false;
        try (JsonParser p = json.open()) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new NftJsonException("nft's answer is not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                if (p.nextToken() == JsonToken.START_ARRAY && field.equals("nftables")) {
                    found = true;
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        if (p.currentToken() != JsonToken.START_OBJECT) {
                            p.skipChildren();
                            continue;
                        }
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String kind = p.currentName();
                            p.nextToken();
                            reader.read(kind, p);
                        }
                    }
                } else {
                    p.skipChildren();
                }
            }
        } catch (NftJsonException e) {
            throw e;
        } catch (IOException e) {
            throw new NftJsonException("cannot read nft's JSON: " + e.getMessage(), e);
        }
        if (!found) {
            throw new NftJsonException("no \"nftables\" array in nft's answer");
        }
    }
}
