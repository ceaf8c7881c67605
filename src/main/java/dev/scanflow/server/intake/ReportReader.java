package dev.scanflow.server.intake;

import com.fasterxml.jackson.core.JsonParser;
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
import dev.scanflow.report.DnsName;
import dev.scanflow.report.PortList;
import dev.scanflow.report.ReportJson;
import dev.scanflow.report.ScanReport;
import dev.scanflow.report.ScannedHost;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.camel.Header;

/**
 * Turns a request body into a {@link ScanReport}, or refuses it with 400: malformed JSON, a JSON Schema
 * violation (docs/report-format.md), or values the schema cannot express (an address outside IP syntax,
 * a scan that ends before it starts, a host name that is not a DNS name, a port list off nmap's syntax).
 *
 * <p>Only UTF-8 JSON is read (RFC 8259): another Content-Type is refused with 415 before the body is touched,
 * a body that is not UTF-8 or starts with a byte order mark with 400, and a key given twice in one object is
 * malformed rather than "last one wins". Whatever the body holds, the answer is a 400 with a reason, never a
 * failure of the server: nothing here uses a backtracking regular expression on unbounded input.
 */
public class ReportReader {

    public static final String SCHEMA_V1 = "/report-format/scan-report-v1.schema.json";
    public static final String SCHEMA_V2 = "/report-format/scan-report-v2.schema.json";
    private static final int MAX_LISTED_VIOLATIONS = 5;

    private static final int MAX_ECHOED = 200;

    private final ObjectMapper mapper = ReportJson.mapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
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

    /**
     * Refuses with 415 any request that does not say it carries UTF-8 JSON, before its body is converted:
     * a form body, for one, would otherwise be parsed by the HTTP layer.
     */
    public void checkContentType(@Header("Content-Type") String contentType) {
        if (contentType == null || contentType.isBlank()) {
            throw new ReportRejected(415, "Content-Type application/json is required");
        }
        String[] parts = contentType.split(";");
        String mediaType = parts[0].strip().toLowerCase(Locale.ROOT);
        if (!mediaType.equals("application/json")) {
            throw new ReportRejected(415, "Content-Type " + printable(mediaType) + " is not accepted: application/json is required");
        }
        for (int i = 1; i < parts.length; i++) {
            String parameter = parts[i].strip();
            int equals = parameter.indexOf('=');
            String name = (equals < 0 ? parameter : parameter.substring(0, equals)).strip().toLowerCase(Locale.ROOT);
            if (name.equals("charset")) {
                String charset = parameter.substring(equals + 1).strip().replace("\"", "").toLowerCase(Locale.ROOT);
                if (!charset.equals("utf-8")) {
                    throw new ReportRejected(415, "charset " + printable(charset) + " is not accepted: reports are UTF-8 JSON");
                }
            }
        }
    }

    public ScanReport read(byte[] body) {
        try {
            return readChecked(body);
        } catch (ReportRejected e) {
            throw e;
        } catch (RuntimeException | StackOverflowError e) {
            // a body nothing above foresaw is still the sender's problem, not the server's: 400, never 500
            throw ReportRejected.invalid("report could not be read: " + printable(e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + firstLine(e))));
        }
    }

    private ScanReport readChecked(byte[] body) {
        if (body == null || body.length == 0) {
            throw ReportRejected.invalid("empty body: a scan report in JSON is expected");
        }
        JsonNode json;
        try {
            json = mapper.readTree(utf8(body));
        } catch (IOException e) {
            throw ReportRejected.invalid("malformed JSON: " + printable(firstLine(e)));
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
                    .limit(MAX_LISTED_VIOLATIONS).map(m -> printable(m.getMessage())).collect(Collectors.joining("; ")));
        }
        ScanReport report;
        try {
            report = mapper.treeToValue(json, ScanReport.class);
        } catch (JsonProcessingException e) {
            throw ReportRejected.invalid("report does not map onto its format version: " + printable(firstLine(e)));
        }
        checkValues(report);
        return report;
    }

    private static void checkValues(ScanReport report) {
        try {
            Cidr.parse(report.subnet());
        } catch (IllegalArgumentException e) {
            throw ReportRejected.invalid("subnet: " + printable(e.getMessage()));
        }
        if (report.scanEnd().isBefore(report.scanStart())) {
            throw ReportRejected.invalid("scanEnd is before scanStart");
        }
        for (ScannedHost host : report.hosts()) {
            try {
                IpAddress.parse(host.address());
            } catch (IllegalArgumentException e) {
                throw ReportRejected.invalid("host address: " + printable(e.getMessage()));
            }
            if (host.macVendor() != null && !isPlainText(host.macVendor())) {
                throw ReportRejected.invalid("host " + host.address() + ": macVendor holds control or bidirectional characters");
            }
            for (int i = 0; i < host.hostnames().size(); i++) {
                if (!DnsName.isValid(host.hostnames().get(i))) {
                    throw ReportRejected.invalid("host " + host.address() + ": hostnames[" + i + "] is not a DNS name"
                            + " (RFC 1123 labels of letters, digits, '-' and '_', at most " + DnsName.MAX_LENGTH + " characters)");
                }
            }
        }
        if (report.chunk() != null && report.chunk().index() >= report.chunk().count()) {
            throw ReportRejected.invalid("chunk index " + report.chunk().index() + " is not below its count " + report.chunk().count());
        }
        if (report.coverage() != null) {
            List<String> targets = new ArrayList<>(report.coverage().hostTargets());
            for (var probe : report.coverage().ports()) {
                try {
                    if (PortList.parse(probe.ports()).size() == 0) {
                        throw new IllegalArgumentException("a port probe names no port");
                    }
                } catch (IllegalArgumentException e) {
                    throw ReportRejected.invalid("coverage ports: " + printable(e.getMessage()));
                }
                targets.addAll(probe.targets());
            }
            for (String target : targets) {
                try {
                    Cidr.parse(target);
                } catch (IllegalArgumentException e) {
                    throw ReportRejected.invalid("coverage target: " + printable(e.getMessage()));
                }
            }
        }
    }

    /** The body as text, if it is UTF-8 without a byte order mark; JSON in any other encoding is refused. */
    private static String utf8(byte[] body) {
        if (body.length >= 3 && (body[0] & 0xff) == 0xef && (body[1] & 0xff) == 0xbb && (body[2] & 0xff) == 0xbf) {
            throw ReportRejected.invalid("the body starts with a UTF-8 byte order mark: send JSON as UTF-8 without one (RFC 8259)");
        }
        if (body.length >= 2 && ((body[0] & 0xff) == 0xfe && (body[1] & 0xff) == 0xff
                || (body[0] & 0xff) == 0xff && (body[1] & 0xff) == 0xfe)) {
            throw ReportRejected.invalid("the body is UTF-16 or UTF-32 (byte order mark): reports are UTF-8 JSON");
        }
        for (int i = 0; i < Math.min(4, body.length); i++) {
            if (body[i] == 0) {
                throw ReportRejected.invalid("the body is UTF-16 or UTF-32 (NUL bytes): reports are UTF-8 JSON");
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            throw ReportRejected.invalid("the body is not valid UTF-8: reports are UTF-8 JSON");
        }
    }

    /** Text without control characters (C0, DEL, C1) or bidirectional overrides, which rewrite log lines and screens. */
    static boolean isPlainText(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c >= 0x7f && c <= 0x9f || c >= 0x202a && c <= 0x202e || c >= 0x2066 && c <= 0x2069
                    || c == 0x200e || c == 0x200f || c == 0x2028 || c == 0x2029 || c == 0xfeff) {
                return false;
            }
        }
        return true;
    }

    /** A message that may quote the input, safe for a log line and a reply: printable ASCII, bounded. */
    static String printable(String text) {
        String value = String.valueOf(text);
        StringBuilder out = new StringBuilder(Math.min(value.length(), MAX_ECHOED));
        for (int i = 0; i < value.length() && out.length() < MAX_ECHOED; i++) {
            char c = value.charAt(i);
            out.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return value.length() > MAX_ECHOED ? out + "..." : out.toString();
    }

    private static String firstLine(Throwable e) {
        String message = String.valueOf(e.getMessage());
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
