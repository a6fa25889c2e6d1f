package dsrlb.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The monitoring the package ships works in the tools it is for: Prometheus' own promtool loads
 * the alert rules and runs their unit tests (each alert fires on the series that should raise it
 * and stays quiet on healthy ones), and the Grafana dashboard passes its JSON schema. That they
 * query only series dsrlb exports is MetricNamesTest's part.
 */
class MonitoringExamplesIT {
    static final Path PROMETHEUS = Lab.BASEDIR.resolve("examples/prometheus");
    static final Path GRAFANA = Lab.BASEDIR.resolve("examples/grafana");

    @Test
    void promtoolAcceptsTheRulesAndTheirUnitTestsPass() throws IOException {
        Lab.Result check = Lab.run(
                60,
                "promtool",
                "check",
                "rules",
                PROMETHEUS.resolve("dsrlb-alerts.yml").toString());
        assertEquals(0, check.exit(), check.toString());
        assertTrue(check.out().contains("SUCCESS: 7 rules found"), check.toString());
        Lab.Result test = Lab.run(60, "sh", "-c", "cd " + PROMETHEUS + " && promtool test rules dsrlb-alerts.test.yml");
        assertEquals(0, test.exit(), test.toString());
        assertTrue(test.out().contains("SUCCESS"), test.toString());
    }

    @Test
    void theDashboardPassesItsSchemaAndABrokenOneDoesNot() throws IOException {
        ObjectMapper json = new ObjectMapper();
        Schema schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                .getSchema(Files.readString(GRAFANA.resolve("dashboard.schema.json")));
        JsonNode dashboard =
                json.readTree(GRAFANA.resolve("dsrlb-dashboard.json").toFile());
        List<Error> errors = schema.validate(dashboard);
        assertTrue(errors.isEmpty(), errors.toString());

        Set<Integer> ids = new HashSet<>();
        dashboard.get("panels").forEach(p -> assertTrue(ids.add(p.get("id").asInt()), "panel ids are unique: " + p));

        // The schema is not a rubber stamp: a panel without targets fails it.
        ObjectNode broken = dashboard.deepCopy();
        ((ObjectNode) broken.get("panels").get(0)).remove("targets");
        assertTrue(!schema.validate(broken).isEmpty(), "a panel without targets must fail the schema");
    }
}
