package dev.scanflow.server.intake;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.scanflow.net.Cidr;
import dev.scanflow.net.IpAddress;
import dev.scanflow.report.ReportJson;
import dev.scanflow.report.ScanReport;
import dev.scanflow.report.ScannedHost;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Turns a request body into a {@link ScanReport}, or refuses it with 400: malformed JSON, a JSON Schema
 * violation (docs/report-format.md), or values the schema cannot express (an address outside IP syntax,
 * a scan that ends before it starts).
 */
public class ReportReader {

    public static final String SCHEMA_V1 = "/report-format/scan-report-v1.schema.json";
    public static final String SCHEMA_V2 = "/report-format/scan-report-v2.schema.json";
    private static final int MAX_LISTED_VIOLATIONS = 5;

    private final ObjectMapper mapper = ReportJson.mapper();
    private final Map<Integer, JsonSchema> schemas = Map.of(1, loadSchema(SCHEMA_V1), 2, loadSchema(SCHEMA_V2));

    public static JsonSchema loadSchema(String resource) {
        SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
        try (InputStream in = ReportReader.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing schema resource " + resource);
            }
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in, config);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public ScanReport read(byte[] body) {
        if (body == null || body.length == 0) {
            throw ReportRejected.invalid("empty body: a scan report in JSON is expected");
        }
        JsonNode json;
        try {
            json = mapper.readTree(body);
        } catch (IOException e) {
            throw ReportRejected.invalid("malformed JSON: " + firstLine(e));
        }
        if (json == null || !json.isObject()) {
            throw ReportRejected.invalid("a scan report must be a JSON object");
        }
        JsonNode version = json.get("formatVersion");
        JsonSchema schema = version != null && version.canConvertToExactIntegral() ? schemas.get(version.asInt()) : null;
        if (schema == null) {
            throw ReportRejected.invalid("formatVersion must be one of " + new java.util.TreeSet<>(schemas.keySet()));
        }
        Set<ValidationMessage> violations = schema.validate(json);
        if (!violations.isEmpty()) {
            throw ReportRejected.invalid("report violates the format version " + version.asInt() + " schema: " + violations.stream()
                    .limit(MAX_LISTED_VIOLATIONS).map(ValidationMessage::getMessage).collect(Collectors.joining("; ")));
        }
        ScanReport report;
        try {
            report = mapper.treeToValue(json, ScanReport.class);
        } catch (JsonProcessingException e) {
            throw ReportRejected.invalid("report does not map onto its format version: " + firstLine(e));
        }
        checkValues(report);
        return report;
    }

    private static void checkValues(ScanReport report) {
        try {
            Cidr.parse(report.subnet());
        } catch (IllegalArgumentException e) {
            throw ReportRejected.invalid("subnet: " + e.getMessage());
        }
        if (report.scanEnd().isBefore(report.scanStart())) {
            throw ReportRejected.invalid("scanEnd is before scanStart");
        }
        for (ScannedHost host : report.hosts()) {
            try {
                IpAddress.parse(host.address());
            } catch (IllegalArgumentException e) {
                throw ReportRejected.invalid("host address: " + e.getMessage());
            }
        }
        if (report.chunk() != null && report.chunk().index() >= report.chunk().count()) {
            throw ReportRejected.invalid("chunk index " + report.chunk().index() + " is not below its count " + report.chunk().count());
        }
        if (report.coverage() != null) {
            List<String> targets = new ArrayList<>(report.coverage().hostTargets());
            report.coverage().ports().forEach(probe -> targets.addAll(probe.targets()));
            for (String target : targets) {
                try {
                    Cidr.parse(target);
                } catch (IllegalArgumentException e) {
                    throw ReportRejected.invalid("coverage target: " + e.getMessage());
                }
            }
        }
    }

    private static String firstLine(Exception e) {
        String message = String.valueOf(e.getMessage());
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
