package dsrlb.offload;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
}
