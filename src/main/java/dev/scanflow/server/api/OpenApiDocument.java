package dev.scanflow.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The operator API's OpenAPI 3 document, written by hand in src/main/resources/openapi/scanflow-api.yaml and
 * served as it is (GET /api/v1/openapi.yaml) and as JSON (GET /api/v1/openapi.json). Read once at start-up:
 * a document that does not parse stops the server rather than serving nonsense.
 */
public class OpenApiDocument {

    public static final String RESOURCE = "openapi/scanflow-api.yaml";

    private final String yaml;
    private final String json;
    private final JsonNode tree;

    public OpenApiDocument() {
        try (InputStream in = OpenApiDocument.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is not on the classpath");
            }
            yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            tree = new ObjectMapper(new YAMLFactory()).readTree(yaml);
            json = new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(tree);
        } catch (IOException e) {
            throw new UncheckedIOException(RESOURCE + " does not read as YAML", e);
        }
    }

    public String yaml() {
        return yaml;
    }

    public String json() {
        return json;
    }

    /** The document as read, for what the server takes from it (the role rules, dev.scanflow.server.access). */
    public JsonNode tree() {
        return tree.deepCopy();
    }
}
