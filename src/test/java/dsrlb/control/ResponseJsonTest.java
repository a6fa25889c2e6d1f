package dsrlb.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dsrlb.control.Request.Kind;
import dsrlb.status.FixedStatus;
import dsrlb.status.Json;
import dsrlb.status.Json.JsonException;
import dsrlb.status.PersistenceReport;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The protocol's JSON: what scripts read (field names, types) and what the client reads back. */
class ResponseJsonTest {
    final FixedStatus status = new FixedStatus();
    final StatusResponder responder = new StatusResponder(status);

    @Test
    void servicesRoundTripAndUseTheDocumentedFieldNames() throws JsonException {
        String json = responder.respond("show service");
        assertEquals(status.services(), ResponseReader.of(json).services());
        assertNull(ResponseReader.of(json).error());

        JsonNode m = Json.parseObject(json);
        assertEquals(true, m.get("ok").booleanValue());
        assertEquals("show service", m.get("request").textValue());
        JsonNode tftp1 = m.get("services").get(0);
        assertEquals("tftp1", tftp1.get("name").textValue());
        assertEquals("*", tftp1.get("port").textValue());
        assertEquals("UP", tftp1.get("state").textValue());
        assertEquals(FixedStatus.TFTP1_MAC, tftp1.get("mac").textValue());
        assertEquals(6L, tftp1.get("persistedClients").longValue());
        assertEquals(1234L, tftp1.get("packetsForwarded").longValue());
        assertEquals(567_890L, tftp1.get("bytesForwarded").longValue());
        assertTrue(json.contains("\"bindings\":[{\"vserver\":\"tftp\",\"weight\":1}]"), json);
        assertTrue(
                json.contains("\"lastProbe\":{\"ok\":true,\"result\":\"ARDBP32.BIN 262144 bytes\","
                        + "\"responseTimeSeconds\":0.037000}"),
                json);
        assertTrue(json.contains("\"lastProbe\":null"), json);
        assertTrue(json.contains("\"port\":69"), json);
        assertTrue(json.contains("\"mac\":null"), json);
    }

    @Test
    void oneServiceByNameOrAnErrorWhenThereIsNone() throws JsonException {
        assertEquals(
                List.of(status.services().get(1)),
                ResponseReader.of(responder.respond("show service tftp2")).services());
        String json = responder.respond("show service TFTP2");
        assertEquals("{\"ok\":false,\"error\":\"no service named 'TFTP2'\"}", json);
        assertEquals("no service named 'TFTP2'", ResponseReader.of(json).error());
        assertEquals(
                "no vserver named 'x'",
                ResponseReader.of(responder.respond("show lb vserver x")).error());
        assertEquals(
                "no vserver named 'x'",
                ResponseReader.of(responder.respond("stat lb vserver x")).error());
    }

    @Test
    void vserversRoundTripWithHits() throws JsonException {
        String json = responder.respond("show lb vserver");
        assertEquals(status.vservers(), ResponseReader.of(json).vservers());
        assertTrue(
                json.contains("\"name\":\"tftp\",\"protocol\":\"ANY\",\"vip\":\"198.51.100.20\",\"port\":\"*\","
                        + "\"lbMethod\":\"ROUNDROBIN\",\"persistenceType\":\"SOURCEIP\",\"persistenceTimeoutMinutes\":100,"
                        + "\"persistenceMaxEntries\":1000000,\"state\":\"UP\",\"hits\":2575,\"newClients\":5,"
                        + "\"persistenceHits\":2570,\"repicks\":1,\"persistenceTableSize\":4"),
                json);
        assertEquals(
                List.of(status.vservers().get(1)),
                ResponseReader.of(responder.respond("show lb vserver \"plain vs\""))
                        .vservers());
    }

    @Test
    void statCarriesTheGlobalCountersAndTheLastVipArpConflict() throws JsonException {
        String json = responder.respond("stat lb vserver tftp");
        ResponseReader r = ResponseReader.of(json);
        assertEquals(status.global(), r.global());
        assertEquals(List.of(status.vservers().get(0)), r.vservers());
        assertTrue(
                json.contains("\"vipArpConflicts\":3,\"lastVipArpConflict\":{\"vip\":\"198.51.100.20\","
                        + "\"mac\":\"02:d5:1b:64:00:30\",\"lastSeen\":\"2025-01-02T03:04:03.678Z\"}"),
                json);
        assertTrue(json.contains("\"drops\":{\"truncated\":0,\"not_vip\":4,\"no_service_up\":2}"), json);
    }

    @Test
    void persistenceListsAndFiltersByClient() throws JsonException {
        PersistenceReport all =
                ResponseReader.of(responder.respond("show persistence")).persistence();
        assertEquals(status.persistence(null, 10), all);
        assertNull(status.lastPersistenceClient);
        String json = responder.respond("show persistence 192.0.2.10");
        assertEquals("192.0.2.10", status.lastPersistenceClient);
        assertEquals(
                "{\"ok\":true,\"request\":\"show persistence 192.0.2.10\",\"client\":\"192.0.2.10\","
                        + "\"total\":1,\"truncated\":false,\"entries\":[{\"client\":\"192.0.2.10\",\"vserver\":\"tftp\","
                        + "\"service\":\"tftp1\"}]}",
                json);
    }

    @Test
    void badRequestsGetAnErrorObject() throws JsonException {
        ResponseReader r = ResponseReader.of(responder.respond("show persistence nope"));
        assertEquals("not an IPv4 address: 'nope'", r.error());
        assertTrue(ResponseReader.of(responder.respond("hello")).error().startsWith("unknown request 'hello'"));
    }

    @Test
    void theReaderIgnoresUnknownMembersAndNamesMissingOnes() throws JsonException {
        String withExtra = responder
                .respond("show service tftp1")
                .replace("\"name\":\"tftp1\"", "\"futureMember\":{\"x\":[1]},\"name\":\"tftp1\"");
        assertEquals(
                List.of(status.services().get(0)), ResponseReader.of(withExtra).services());
        String missing = responder.respond("show service tftp1").replace("\"persistedClients\":6,", "");
        JsonException e = assertThrows(
                JsonException.class, () -> ResponseReader.of(missing).services());
        assertEquals("services[0].persistedClients is missing", e.getMessage());
    }

    @Test
    void everyKindAnswersOneJsonObject() throws JsonException {
        for (Kind k : Kind.values()) {
            JsonNode m = Json.parseObject(responder.respond(k.words()));
            assertEquals(true, m.get("ok").booleanValue(), k.toString());
        }
    }
}
