package dev.scanflow.agent.scan;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scanflow.net.IpAddress;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Reads masscan's output: its console lines ("Discovered open port 8080/tcp on 198.18.0.12", what the agent
 * runs, because masscan flushes each of them as it finds the port, so the ports profile can start nmap -sV
 * while masscan still scans; see {@link ServiceScanPipeline}), -oJ or -oX, told apart by the first character. masscan's JSON
 * is known for its quirks, all tolerated here: the separating commas on lines of their own, a trailing comma
 * before the closing bracket and an unquoted {@code {finished: 1}} record (older versions), one object per
 * port rather than per host, no output at all when nothing was found, and a run killed mid-way that stops
 * anywhere, even inside an object. Only ports with status "open" are kept, each (address, protocol, port) once.
 * The XML form is read with DTDs and external entities off, like nmap's.
 */
public class MasscanOutputParser {

    private final ObjectMapper json = new ObjectMapper(JsonFactory.builder()
            .enable(JsonReadFeature.ALLOW_TRAILING_COMMA)
            .enable(JsonReadFeature.ALLOW_UNQUOTED_FIELD_NAMES)
            .build());
    private final XMLInputFactory xml;

    public MasscanOutputParser() {
        xml = XMLInputFactory.newFactory();
        xml.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        xml.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        xml.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
    }

    public MasscanRun parse(InputStream output) {
        byte[] bytes;
        try (output) {
            bytes = output.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int first = 0;
        while (first < bytes.length && Character.isWhitespace(bytes[first])) {
            first++;
        }
        if (first == bytes.length) {
            return new MasscanRun(List.of(), true); // masscan writes nothing at all when it found nothing
        }
        return switch (bytes[first]) {
            case '[', '{' -> parseJson(bytes);
            case '<' -> parseXml(bytes);
            case 'D' -> parseConsole(bytes);
            default -> throw new ScanOutputRejected("not masscan output (neither its console lines, -oJ nor -oX): starts with '"
                    + (char) bytes[first] + "'", null);
        };
    }

    /**
     * One of masscan's console lines, as it writes it (padded with spaces to clear its status line): the open
     * port it names, or empty for any other line.
     */
    public static java.util.Optional<MasscanPort> consoleLine(String line) {
        java.util.regex.Matcher m = CONSOLE_LINE.matcher(line);
        if (!m.matches()) {
            return java.util.Optional.empty();
        }
        Found found = new Found();
        found.add(m.group(3), m.group(2), Integer.parseInt(m.group(1)), "open", REASON_CONSOLE, 0);
        return java.util.Optional.of(found.ports().get(0));
    }

    /** masscan's console says "open" for an answer to its SYN, that is a SYN-ACK; it gives no TTL. */
    static final String REASON_CONSOLE = "syn-ack";
    private static final java.util.regex.Pattern CONSOLE_LINE = java.util.regex.Pattern.compile(
            "\\s*Discovered open port (\\d{1,5})/(tcp|udp|sctp) on (\\S+)\\s*");

    /**
     * Console lines: each names one open port. A run killed mid-line leaves a last line without its end: it
     * is dropped and the run is incomplete. Any line that is not masscan's is refused.
     */
    private MasscanRun parseConsole(byte[] bytes) {
        Found found = new Found();
        String text = new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
        boolean complete = text.endsWith("\n");
        List<String> lines = text.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank() || (i == lines.size() - 1 && !complete)) {
                continue; // a last line cut short could name a wrong address ("198.18.0.1" of "198.18.0.12")
            }
            java.util.regex.Matcher m = CONSOLE_LINE.matcher(line);
            if (m.matches()) {
                found.add(m.group(3), m.group(2), Integer.parseInt(m.group(1)), "open", REASON_CONSOLE, 0);
            } else {
                throw new ScanOutputRejected("not a line of masscan's console output: "
                        + (line.length() > 120 ? line.substring(0, 120) + "…" : line), null);
            }
        }
        return new MasscanRun(found.ports(), complete);
    }

    private MasscanRun parseJson(byte[] bytes) {
        Found found = new Found();
        boolean complete = false;
        try (JsonParser parser = json.getFactory().createParser(bytes)) {
            parser.setCodec(json);
            JsonToken token = parser.nextToken();
            boolean array = token == JsonToken.START_ARRAY;
            if (array) {
                token = parser.nextToken();
            }
            while (token != null) {
                if (array && token == JsonToken.END_ARRAY) {
                    complete = true;
                    break;
                }
                if (token != JsonToken.START_OBJECT) {
                    throw new ScanOutputRejected("masscan JSON holds a " + token + " where a record was expected", null);
                }
                JsonNode record = parser.readValueAsTree();
                readRecord(record, found);
                token = parser.nextToken();
            }
            if (!array && token == null) {
                complete = true; // one object after another (JSON lines) up to a clean end
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            // cut short (killed): the records read so far stand, the run is incomplete
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new MasscanRun(found.ports(), complete);
    }

    private static void readRecord(JsonNode record, Found found) {
        JsonNode ip = record.get("ip");
        JsonNode ports = record.get("ports");
        if (ip == null || !ip.isTextual() || ports == null || !ports.isArray()) {
            return; // {finished: 1} and other records without ports
        }
        for (JsonNode port : ports) {
            if (port.hasNonNull("port") && "open".equals(port.path("status").asText())) {
                found.add(ip.asText(), port.path("proto").asText("tcp"), port.get("port").asInt(), "open",
                        port.path("reason").asText(null), port.path("ttl").asInt(0));
            }
        }
    }

    private MasscanRun parseXml(byte[] bytes) {
        Found found = new Found();
        boolean started = false;
        boolean finished = false;
        String address = null;
        String protocol = null;
        int port = -1;
        String state = null;
        String reason = null;
        int ttl = 0;
        XMLStreamReader reader = null;
        try {
            reader = xml.createXMLStreamReader(new ByteArrayInputStream(bytes));
            while (reader.hasNext()) {
                int event = reader.next();
                if (event == XMLStreamConstants.DTD && reader.getText().contains("<!ENTITY")) {
                    throw new ScanOutputRejected("masscan output declares XML entities; refusing to read it", null);
                }
                if (event == XMLStreamConstants.ENTITY_REFERENCE) {
                    throw new ScanOutputRejected("masscan output uses an undeclared entity &" + reader.getLocalName() + ";", null);
                }
                if (event == XMLStreamConstants.START_ELEMENT) {
                    switch (reader.getLocalName()) {
                        case "nmaprun" -> started = true;
                        case "host" -> {
                            address = null;
                            port = -1;
                            state = null;
                        }
                        case "address" -> address = reader.getAttributeValue(null, "addr");
                        case "port" -> {
                            protocol = reader.getAttributeValue(null, "protocol");
                            String id = reader.getAttributeValue(null, "portid");
                            port = id == null || !id.matches("\\d{1,5}") ? -1 : Integer.parseInt(id);
                        }
                        case "state" -> {
                            state = reader.getAttributeValue(null, "state");
                            reason = reader.getAttributeValue(null, "reason");
                            String t = reader.getAttributeValue(null, "reason_ttl");
                            ttl = t == null || !t.matches("\\d{1,3}") ? 0 : Integer.parseInt(t);
                        }
                        case "finished" -> finished = true;
                        default -> {
                            // scaninfo, runstats, hosts: nothing needed
                        }
                    }
                } else if (event == XMLStreamConstants.END_ELEMENT && "host".equals(reader.getLocalName())) {
                    if (address != null && port >= 0 && "open".equals(state)) {
                        found.add(address, protocol == null ? "tcp" : protocol, port, state, reason, ttl);
                    }
                }
            }
        } catch (XMLStreamException e) {
            if (!started) {
                throw new ScanOutputRejected("not masscan XML output: " + e.getMessage(), e);
            }
            // cut short: the hosts completed so far stand
        } finally {
            if (reader != null) {
                try {
                    reader.close();
                } catch (XMLStreamException ignored) {
                    // nothing to release that matters
                }
            }
        }
        if (!started) {
            throw new ScanOutputRejected("no <nmaprun> element in masscan's XML output", null);
        }
        return new MasscanRun(found.ports(), finished);
    }

    /** Ports in arrival order, each (address, protocol, port) once: masscan repeats a port it hears twice. */
    private static final class Found {
        private final Set<String> seen = new LinkedHashSet<>();
        private final List<MasscanPort> ports = new ArrayList<>();

        void add(String address, String protocol, int port, String status, String reason, int ttl) {
            String normalized;
            try {
                normalized = IpAddress.parse(address).toString();
            } catch (IllegalArgumentException e) {
                throw new ScanOutputRejected("masscan reported an address that is not an IP address: " + address, e);
            }
            if (port < 0 || port > 65535) {
                throw new ScanOutputRejected("masscan reported port " + port + " on " + address, null);
            }
            String proto = protocol.toLowerCase(Locale.ROOT);
            if (seen.add(normalized + "/" + proto + "/" + port)) {
                ports.add(new MasscanPort(normalized, proto, port, status, reason, ttl));
            }
        }

        List<MasscanPort> ports() {
            return ports;
        }
    }
}
