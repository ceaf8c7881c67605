package dev.scanflow.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.ValidationMessage;
import dev.scanflow.agent.plan.ScanPlanner;
import dev.scanflow.agent.scan.NmapCommand;
import dev.scanflow.config.AgentSettings;
import dev.scanflow.config.SettingsSource;
import dev.scanflow.server.intake.ReportReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** docs/report-format.md and the schema the server validates with say the same thing. */
class ReportFormatDocTest {

    private static final Path DOC = Path.of("docs/report-format.md");
    private static final Path SCHEMA = Path.of("src/main/resources/report-format/scan-report-v1.schema.json");

    private final ObjectMapper mapper = ReportJson.mapper();

    /** The first fenced block after the line that starts with {@code heading}, with its fence's info string. */
    private static String block(String heading, String info) throws IOException {
        List<String> lines = Files.readAllLines(DOC, StandardCharsets.UTF_8);
        int at = 0;
        while (at < lines.size() && !lines.get(at).startsWith(heading)) {
            at++;
        }
        assertTrue(at < lines.size(), "no line starting with '" + heading + "' in " + DOC);
        while (at < lines.size() && !lines.get(at).startsWith("```")) {
            at++;
        }
        assertTrue(at < lines.size(), "no fenced block after '" + heading + "'");
        assertEquals("```" + info, lines.get(at).strip(), "fence of the block after '" + heading + "'");
        StringBuilder body = new StringBuilder();
        for (at++; at < lines.size() && !lines.get(at).startsWith("```"); at++) {
            body.append(lines.get(at)).append('\n');
        }
        assertTrue(at < lines.size(), "unclosed block after '" + heading + "'");
        return body.toString();
    }

    /** Every fenced block of the doc whose fence says {@code info}. */
    private static List<String> blocks(String info) throws IOException {
        List<String> lines = Files.readAllLines(DOC, StandardCharsets.UTF_8);
        List<String> blocks = new ArrayList<>();
        for (int at = 0; at < lines.size(); at++) {
            if (lines.get(at).strip().startsWith("```")) {
                boolean wanted = lines.get(at).strip().equals("```" + info);
                StringBuilder body = new StringBuilder();
                for (at++; at < lines.size() && !lines.get(at).strip().startsWith("```"); at++) {
                    body.append(lines.get(at)).append('\n');
                }
                if (wanted) {
                    blocks.add(body.toString());
                }
            }
        }
        return blocks;
    }

    private JsonNode docSchema() throws IOException {
        return mapper.readTree(block("### JSON Schema", "json"));
    }

    private String docExample() throws IOException {
        return block("Example (", "");
    }

    @Test
    void theSchemaInTheDocIsTheSchemaTheServerUses() throws IOException {
        JsonNode inDoc = docSchema();
        JsonNode served = mapper.readTree(Files.readAllBytes(SCHEMA));

        assertEquals(served, inDoc);
        assertEquals("https://json-schema.org/draft/2020-12/schema", inDoc.get("$schema").asText(),
                "the heading says draft 2020-12");
    }

    /** Every schema the server validates with is published in the doc as the same JSON tree. */
    @Test
    void everySchemaTheServerLoadsIsPublishedInTheDoc() throws IOException {
        List<JsonNode> published = new ArrayList<>();
        for (String block : blocks("json")) {
            published.add(mapper.readTree(block));
        }
        List<Path> schemas;
        try (Stream<Path> files = Files.list(SCHEMA.getParent())) {
            schemas = files.filter(f -> f.getFileName().toString().endsWith(".schema.json")).sorted().toList();
        }
        assertTrue(schemas.contains(SCHEMA), "no " + SCHEMA);

        List<String> missing = new ArrayList<>();
        for (Path schema : schemas) {
            if (!published.contains(mapper.readTree(Files.readAllBytes(schema)))) {
                missing.add(schema.getFileName().toString());
            }
        }
        assertEquals(List.of(), missing, "schemas not published (identically) in " + DOC);
    }

    @Test
    void theSchemaOnTheClasspathIsTheOneInTheSourceTree() throws IOException {
        JsonNode onClasspath;
        try (var in = ReportReader.class.getResourceAsStream(ReportReader.SCHEMA_V1)) {
            onClasspath = mapper.readTree(in);
        }

        assertEquals(mapper.readTree(Files.readAllBytes(SCHEMA)), onClasspath);
    }

    @Test
    void theExampleReportValidatesAgainstTheSchema() throws IOException {
        JsonNode example = mapper.readTree(docExample());

        Set<ValidationMessage> violations = ReportReader.loadSchema(ReportReader.SCHEMA_V1).validate(example);

        assertEquals(Set.of(), violations);
        assertEquals(32, example.get("agentCode").asText().length());
    }

    @Test
    void theExampleReportIsAcceptedByTheServersReader() throws IOException {
        ScanReport report = new ReportReader().read(docExample().getBytes(StandardCharsets.UTF_8));

        assertEquals("127.0.0.0/29", report.subnet());
        assertEquals(List.of("127.0.0.1", "127.0.0.2"), report.hosts().stream().map(ScannedHost::address).toList());
        assertTrue(report.hosts().stream().allMatch(ScannedHost::isUp));
    }

    @Test
    void theExampleCommandIsWhatTheAgentRunsWithItsDefaults() throws IOException {
        JsonNode example = mapper.readTree(docExample());
        Properties defaults = new Properties();
        defaults.setProperty("scanflow.agent.code", example.get("agentCode").asText());
        defaults.setProperty("scanflow.agent.token", "unused");
        NmapCommand command = new NmapCommand(AgentSettings.from(SettingsSource.of(defaults)));
        String subnet = example.get("subnet").asText();

        List<String> expected = command.commandLine(command.discovery(subnet));

        assertEquals(expected, mapper.convertValue(example.get("command"), List.class));
    }
    // ---- version 2 ---------------------------------------------------------------------------------

    private String docExampleV2() throws IOException {
        return block("A version 2 example (", "");
    }

    @Test
    void theVersion2ExampleIsReadByTheServerAgainstTheVersion2Schema() throws IOException {
        JsonNode example = mapper.readTree(docExampleV2());

        assertEquals(Set.of(), ReportReader.loadSchema(ReportReader.SCHEMA_V2).validate(example));
        ScanReport report = new ReportReader().read(docExampleV2().getBytes(StandardCharsets.UTF_8));
        assertEquals(2, report.formatVersion());
        assertEquals("services-nmap", report.profile());
        assertEquals(List.of("127.0.0.0", "127.0.0.1", "127.0.0.2", "127.0.0.3"),
                report.hosts().stream().map(ScannedHost::address).toList());
        assertEquals("SimpleHTTPServer", report.hosts().get(1).portList().get(1).service().product());
    }

    @Test
    void theVersion2ExampleCommandIsWhatTheAgentRunsForItsSettings() throws IOException {
        JsonNode example = mapper.readTree(docExampleV2());
        Properties settings = new Properties();
        settings.setProperty("scanflow.agent.code", example.get("agentCode").asText());
        settings.setProperty("scanflow.agent.token", "unused");
        settings.setProperty("scanflow.agent.subnets", example.get("subnet").asText());
        settings.setProperty("scanflow.agent.profile", example.get("profile").asText());
        settings.setProperty("scanflow.agent.ports", "22,8080");
        AgentSettings agent = AgentSettings.from(SettingsSource.of(settings));
        NmapCommand command = new NmapCommand(agent, true); // "run as root"

        List<String> expected = command.commandLine(command.services(new ScanPlanner(agent)
                .plan(example.get("subnet").asText()).get(0)));

        assertEquals(expected, mapper.convertValue(example.get("command"), List.class));
    }
}
