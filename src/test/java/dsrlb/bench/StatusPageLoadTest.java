package dsrlb.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** What `dsrlb bench status` loads: the real listener, the counts, and a document that does not grow with clients. */
class StatusPageLoadTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theJsonCountsTheClientsWithoutListingThem() throws Exception {
        try (StatusPageLoad many = new StatusPageLoad(20_000);
                StatusPageLoad none = new StatusPageLoad(0)) {
            assertEquals(20_000, many.persistedClients());
            JsonNode services = JSON.readTree(many.body("/status.json")).get("services");
            assertEquals(10_000, services.get(0).get("persistedClients").asLong());
            assertEquals(10_000, services.get(1).get("persistedClients").asLong());
            int withClients = many.body("/status.json").length();
            int without = none.body("/status.json").length();
            // Only digits differ (counts, times): no per-client entry may appear in the page's document.
            assertTrue(Math.abs(withClients - without) < 100, withClients + " vs " + without + " bytes");
            assertTrue(many.body("/metrics").contains("dsrlb_service_persisted_clients{service=\"tftp1\"} 10000.0"));
            assertTrue(many.page() > 0);
        }
    }
}
