package dsrlb.offload;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dsrlb.net.IpAddress;
import dsrlb.net.Ipv4;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NftJsonTest {
    List<NftJson.Element> elements(String json) throws NftJson.NftJsonException {
        List<NftJson.Element> out = new ArrayList<>();
        NftJson.mapElements(json, out::add);
        return out;
    }

    @Test
    void mapElementsWithAndWithoutTimeouts() throws Exception {
        String json = """
                {"nftables": [{"metainfo": {"version": "1.0.6", "json_schema_version": 1}},
                 {"map": {"family": "netdev", "name": "client_0", "table": "dsrlb_2", "type": "ipv4_addr",
                  "handle": 3, "map": "ether_addr", "flags": ["timeout"], "timeout": 6000,
                  "elem": [
                    [{"elem": {"val": "192.0.2.32", "timeout": 6000, "expires": 5990}}, "02:00:00:00:00:3A"],
                    ["192.0.2.33", "02:00:00:00:00:31"],
                    [{"elem": {"val": "192.0.2.34", "counter": {"packets": 1, "bytes": 2}}}, "02:00:00:00:00:30"],
                    ["192.0.2.35"],
                    [{"prefix": {"addr": "192.0.2.0", "len": 24}}, "02:00:00:00:00:30"],
                    ["192.0.2.36", "02:00:00:00:00:30", "extra"]
                  ]}}]}
                """;
        assertEquals(
                List.of(
                        new NftJson.Element(Ipv4.parse("192.0.2.32"), "02:00:00:00:00:3a", 5990),
                        new NftJson.Element(Ipv4.parse("192.0.2.33"), "02:00:00:00:00:31", -1),
                        new NftJson.Element(Ipv4.parse("192.0.2.34"), "02:00:00:00:00:30", -1)),
                elements(json));
    }

    /** nft 1.0.6's own answer for an ipv6_addr map (`nft -j list map`, captured on this project's box). */
    @Test
    void ipv6MapElementsAreReadAsTwoLongs() throws Exception {
        String json = """
                {"nftables": [{"metainfo": {"version": "1.0.6", "release_name": "Lester Gooch #5", \
                "json_schema_version": 1}}, {"map": {"family": "netdev", "name": "client_1", "table": "t", \
                "type": "ipv6_addr", "handle": 2, "map": "ether_addr", "size": 100, "flags": ["timeout"], \
                "timeout": 120, "elem": [[{"elem": {"val": "2001:db8:1::5", "expires": 119}}, \
                "02:00:00:00:00:30"], ["2001:db8:1::100", "02:00:00:00:00:31"]]}}]}
                """;
        IpAddress a = IpAddress.parse("2001:db8:1::5");
        IpAddress b = IpAddress.parse("2001:db8:1::100");
        assertEquals(
                List.of(
                        new NftJson.Element(a.high(), a.low(), "02:00:00:00:00:30", 119),
                        new NftJson.Element(b.high(), b.low(), "02:00:00:00:00:31", -1)),
                elements(json));
    }

    @Test
    void anEmptyMapHasNoElements() throws Exception {
        assertEquals(List.of(), elements("{\"nftables\": [{\"map\": {\"name\": \"client_0\", \"timeout\": 6000}}]}"));
    }

    @Test
    void theCounterOfAListCounterAnswer() throws Exception {
        assertArrayEquals(
                new long[] {1234, 123400},
                NftJson.counter("{\"nftables\": [{\"metainfo\": {\"version\": \"1.0.6\"}}, {\"counter\": "
                        + "{\"family\": \"netdev\", \"name\": \"c\", \"packets\": 1234, \"bytes\": 123400}}]}"));
        assertThrows(NftJson.NftJsonException.class, () -> NftJson.counter("{\"nftables\": []}"));
    }

    @Test
    void tableAndCounterNames() throws Exception {
        String json = "{\"nftables\": [{\"metainfo\": {}}, {\"table\": {\"family\": \"netdev\", \"name\": \"a\"}},"
                + " {\"table\": {\"family\": \"inet\", \"name\": \"b\"}}, {\"counter\": {\"name\": \"owner_1\"}}]}";
        assertEquals(Set.of("a", "b"), NftJson.tableNames(json));
        assertEquals(Set.of("owner_1"), NftJson.counterNames(json));
    }

    @Test
    void anAnswerThatIsNotNftsJsonIsAnError() {
        assertThrows(NftJson.NftJsonException.class, () -> NftJson.tableNames("{\"tables\": []}"));
        assertThrows(NftJson.NftJsonException.class, () -> NftJson.tableNames("{\"nftables\": [{\"table\": "));
        assertThrows(NftJson.NftJsonException.class, () -> elements("Error: syntax error"));
    }

    /**
     * A map of 1 000 000 clients (what a vserver allows, about 80 MB of nft's JSON) is read
     * from a stream made on the fly, never held as text: the first element reaches the sink
     * when only the parser's first buffers have been read.
     */
    @Test
    void aMillionElementsAreReadFromAStreamElementByElement() throws Exception {
        int count = 1_000_000;
        GeneratedListing listing = new GeneratedListing(count);
        long[] seen = {0};
        long[] readAtFirst = {-1};
        NftJson.mapElements(listing, e -> {
            if (seen[0] == 0) {
                readAtFirst[0] = listing.produced;
                assertEquals(IpAddress.ofIpv4(Ipv4.parse("10.0.0.0")), new IpAddress(e.clientHigh(), e.clientLow()));
            }
            seen[0]++;
        });
        assertEquals(count, seen[0]);
        assertTrue(listing.produced > 50_000_000L, "the whole listing was read: " + listing.produced);
        assertTrue(readAtFirst[0] < 64 * 1024, "the first element came after " + readAtFirst[0] + " bytes");
    }

    /** `list map` JSON for n clients, written as it is read. */
    static final class GeneratedListing extends java.io.InputStream {
        private final int count;
        private int next;
        private byte[] chunk = "{\"nftables\": [{\"map\": {\"name\": \"client_0\", \"elem\": ["
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        private int at;
        private boolean closed;
        long produced;

        GeneratedListing(int count) {
            this.count = count;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (at == chunk.length && !refill()) {
                return -1;
            }
            int n = Math.min(len, chunk.length - at);
            System.arraycopy(chunk, at, b, off, n);
            at += n;
            produced += n;
            return n;
        }

        private boolean refill() {
            String text;
            if (next < count) {
                int c = next;
                text = (c == 0 ? "" : ", ") + "[{\"elem\": {\"val\": \"10." + (c >> 16) + "." + ((c >> 8) & 0xff) + "."
                        + (c & 0xff) + "\", \"timeout\": 6000, \"expires\": 5990}}, \"02:00:00:00:00:3a\"]";
                next++;
            } else if (!closed) {
                text = "]}}]}";
                closed = true;
            } else {
                return false;
            }
            chunk = text.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            at = 0;
            return true;
        }
    }
}
