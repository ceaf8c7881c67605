package dev.scanflow.routes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every route file the roles load is valid Camel YAML DSL, checked against the JSON Schema that camel-yaml-dsl
 * itself ships (schema/camelYamlDsl.json, draft-04): a misspelt EIP or option fails here, not at start-up.
 */
class RouteFilesSchemaTest {

    private static final List<Path> ROUTE_DIRECTORIES = List.of(Path.of("routes"), Path.of("routes/demo"),
            Path.of("agent-routes"), Path.of("routes/kafka"), Path.of("agent-routes/kafka"), Path.of("routes/traffic"));

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static JsonSchema camelYamlDsl;

    @BeforeAll
    static void loadTheSchemaShippedWithCamelYamlDsl() throws IOException {
        try (InputStream in = RouteFilesSchemaTest.class.getClassLoader().getResourceAsStream("schema/camelYamlDsl.json")) {
            assertNotNull(in, "schema/camelYamlDsl.json is not on the classpath (camel-yaml-dsl)");
            JsonNode schema = new ObjectMapper().readTree(in);
            assertEquals("http://json-schema.org/draft-04/schema#", schema.get("$schema").asText());
            camelYamlDsl = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(schema);
        }
    }

    private static List<Path> yamlFilesUnder(Path directory) throws IOException {
        try (Stream<Path> files = Files.walk(directory)) {
            return files.filter(Files::isRegularFile).filter(f -> f.getFileName().toString().endsWith(".yaml"))
                    .sorted().toList();
        }
    }

    @Test
    void everyRouteDirectoryHasRouteFiles() throws IOException {
        for (Path directory : ROUTE_DIRECTORIES) {
            assertTrue(Files.isDirectory(directory), directory + " is missing");
            try (Stream<Path> files = Files.list(directory)) {
                assertTrue(files.anyMatch(f -> f.getFileName().toString().endsWith(".yaml")),
                        "no *.yaml directly in " + directory + ": this test would pass on nothing");
            }
        }
    }

    @TestFactory
    Stream<DynamicTest> everyRouteFileIsValidCamelYamlDsl() throws IOException {
        List<Path> files = Stream.concat(yamlFilesUnder(Path.of("routes")).stream(),
                yamlFilesUnder(Path.of("agent-routes")).stream()).toList();
        assertFalse(files.isEmpty());
        return files.stream().map(file -> DynamicTest.dynamicTest(file.toString(), () -> {
            JsonNode routes = YAML.readTree(file.toFile());
            assertNotNull(routes, file + " is empty");
            assertTrue(routes.isArray() && !routes.isEmpty(), file + " is not a list of routes");

            Set<ValidationMessage> violations = camelYamlDsl.validate(routes);

            assertEquals("", violations.stream().map(ValidationMessage::getMessage).sorted()
                    .collect(Collectors.joining("\n")), file + " violates the Camel YAML DSL schema");
        }));
    }

    @Test
    void theSchemaRefusesAMisspeltEip() throws IOException {
        // proves the check above is not vacuous: a route file with one step renamed must fail
        Path file = yamlFilesUnder(Path.of("agent-routes")).get(0);
        String text = Files.readString(file);
        assertTrue(text.contains("- to:"), file + " has no '- to:' step to misspell");
        JsonNode misspelt = YAML.readTree(text.replaceFirst("- to:", "- too:"));

        assertFalse(camelYamlDsl.validate(misspelt).isEmpty(), "a '- too:' step was accepted");
    }
}
