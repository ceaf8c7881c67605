package dev.scanflow.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The limits the agent checks at start are the ones the server's schema applies, read from the schema. */
class ReportLimitsTest {

    @Test
    void theConstantsAreTheSchemasLimits() throws IOException {
        JsonNode schema = new ObjectMapper().readTree(Path.of("src/main/resources/report-format/scan-report-v2.schema.json").toFile());
        JsonNode properties = schema.get("properties");
        assertEquals(ReportLimits.MAX_COMMAND_ARGUMENT, properties.at("/command/items/maxLength").asInt());
        assertEquals(ReportLimits.MAX_COMMAND_ARGUMENTS, properties.at("/command/maxItems").asInt());
        assertEquals(ReportLimits.MAX_HOSTS, properties.at("/hosts/maxItems").asInt());
        assertEquals(ReportLimits.MAX_COVERAGE_PORTS, properties.at("/coverage/properties/ports/items/properties/ports/maxLength").asInt());
        assertEquals(ReportLimits.MAX_HOST_TARGETS, properties.at("/coverage/properties/hostTargets/maxItems").asInt());
    }
}
