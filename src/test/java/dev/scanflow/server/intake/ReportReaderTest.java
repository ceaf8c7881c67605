package dev.scanflow.server.intake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scanflow.report.Coverage;
import dev.scanflow.report.ReportJson;
import dev.scanflow.report.ScanReport;
import dev.scanflow.report.ScannedHost;
import dev.scanflow.report.ScannedPort;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The server's reading of a request body: every refusal is a 400 whose message names what is wrong. The
 * server accepts format versions 1 and 2; the refusals are checked on both.
 */
class ReportReaderTest {

    private static final String CODE = "KP1FAJc0Ld9XvS2_mQe7rT4uYw8zBn-a";
    private static final Instant START = Instant.parse("2026-11-22T00:29:09Z");
    private static final Instant END = Instant.parse("2026-11-22T00:29:11Z");

    private final ObjectMapper mapper = ReportJson.mapper();
    private final ReportReader reader = new ReportReader();

    /** A version 1 report as the spine's agent sent it: discovery of a lab /24. */
    private static ScanReport version1() {
        return new ScanReport(1, UUID.fromString("73ed0c91-146a-4783-bfbb-0fa9f962fe29"), CODE, "198.18.0.0/24", START,
                END, List.of("nmap", "-sn", "-n", "-T4", "--host-timeout", "120s", "-oX", "-", "198.18.0.0/24"),
                List.of(new ScannedHost("198.18.0.1", "up", "02:5F:00:00:00:01", null, List.of()),
                        new ScannedHost("198.18.0.12", "up", "00:50:56:5F:00:0C", "VMware", List.of("h12.lab")),
                        new ScannedHost("198.18.0.3", "up", null, null, List.of()),
                        new ScannedHost("198.18.0.99", "down", null, null, null)));
    }

    /** A version 2 report: one chunk of a service scan, with ports, services and coverage. */
    private static ScanReport version2() {
        ScannedPort ssh = new ScannedPort("tcp", 2222, "open", "syn-ack", new ScannedPort.Service("ssh", "OpenSSH",
                "9.2p1 Debian 2+deb12u10", "protocol 2.0", null,
                List.of("cpe:/a:openbsd:openssh:9.2p1", "cpe:/o:linux:linux_kernel")), null);
        ScannedPort closed = new ScannedPort("tcp", 8080, "closed", "reset", null, null);
        return new ScanReport(2, UUID.fromString("0b0c6a1e-5d8f-4e55-9a51-3f3c1f0f9d21"), CODE, "198.18.0.0/24", START,
                END, List.of("nmap", "-sV", "-n", "-p", "2222,8080", "-oX", "-", "198.18.0.0/24"),
                List.of(new ScannedHost("198.18.0.11", "up", "02:5F:00:00:00:0B", null, List.of(), List.of(ssh)),
                        new ScannedHost("198.18.0.13", "up", "02:5F:00:00:00:0D", null, List.of(), List.of(closed))),
                "services-nmap", new ScanReport.Chunk(UUID.fromString("5f9e0d1c-0000-4000-8000-00000000000a"), 0, 2),
                false, new Coverage(List.of("198.18.0.0/24"),
                        List.of(new Coverage.PortProbe("tcp", "2222,8080", List.of("198.18.0.0/24")))));
    }

    private static ScanReport report(int version) {
        return version == 1 ? version1() : version2();
    }

    private byte[] json(ScanReport report) throws Exception {
        return mapper.writeValueAsBytes(report);
    }

    /**
     * The valid report of {@code version} as a JSON tree, changed by {@code change}, as bytes. The refusal tests
     * start from a tree that has every field the format requires, so that each one fails for its own reason only:
     * "partial" is put in explicitly because ReportJson drops it (see readsBackAReportTheAgentsMapperWrote).
     */
    private byte[] changed(int version, Consumer<ObjectNode> change) throws Exception {
        ScanReport report = report(version);
        ObjectNode tree = mapper.valueToTree(report);
        if (report.partial() != null && !tree.has("partial")) {
            tree.put("partial", report.partial());
        }
        change.accept(tree);
        return mapper.writeValueAsBytes(tree);
    }

    private byte[] valid(int version) throws Exception {
        return changed(version, tree -> { });
    }

    private ReportRejected rejected(byte[] body) {
        ReportRejected rejected = assertThrows(ReportRejected.class, () -> reader.read(body));
        assertEquals(400, rejected.getStatus(), rejected.getMessage());
        return rejected;
    }

    private static void assertNames(ReportRejected rejected, String... words) {
        for (String word : words) {
            assertTrue(rejected.getMessage().contains(word), "'" + word + "' not in: " + rejected.getMessage());
        }
    }

    private static ObjectNode firstHost(ObjectNode tree) {
        return (ObjectNode) tree.get("hosts").get(0);
    }

    static Stream<Arguments> requiredFields() {
        Stream<String> common = Stream.of("formatVersion", "reportId", "agentCode", "subnet", "scanStart", "scanEnd",
                "command", "hosts");
        return Stream.concat(
                common.flatMap(field -> Stream.of(Arguments.of(1, field), Arguments.of(2, field))),
                Stream.of("profile", "partial", "coverage").map(field -> Arguments.of(2, field)));
    }

    // ---- accepted -----------------------------------------------------------------------------------

    @ParameterizedTest(name = "version {0}")
    @ValueSource(ints = {1, 2})
    void readsBackAReportTheAgentsMapperWrote(int version) throws Exception {
        ScanReport report = report(version);

        assertEquals(report, reader.read(json(report)));
    }

    @Test
    void aVersion2ReportWithEveryFieldIsAccepted() throws Exception {
        ScanReport read = reader.read(valid(2));

        assertEquals("services-nmap", read.profile());
        assertEquals(version2().chunk(), read.chunk());
        assertEquals(version2().coverage(), read.coverage());
        assertEquals(version2().hosts(), read.hosts());
    }

    /** "partial": true tells the server that hosts not in the report were not reached: the agent must send it. */
    @Test
    void theAgentsJsonCarriesThePartialFlag() throws Exception {
        ScanReport sent = version2();
        ScanReport cutShort = new ScanReport(sent.formatVersion(), sent.reportId(), sent.agentCode(), sent.subnet(),
                sent.scanStart(), sent.scanEnd(), sent.command(), sent.hosts(), sent.profile(), sent.chunk(), true,
                sent.coverage());

        ObjectNode wire = (ObjectNode) mapper.readTree(json(cutShort));

        assertTrue(wire.has("partial"), "no \"partial\" in " + wire);
        assertTrue(wire.get("partial").asBoolean());
    }

    /** ... and the server must read it as sent, or a cut-short scan reads as a complete one. */
    @Test
    void theServerReadsThePartialFlagAsSent() throws Exception {
        assertEquals(Boolean.TRUE, reader.read(changed(2, tree -> tree.put("partial", true))).partial());
        assertEquals(Boolean.FALSE, reader.read(changed(2, tree -> tree.put("partial", false))).partial());
    }

    @Test
    void aVersion1ReportReadsAsDiscoveryWithoutTheVersion2Fields() throws Exception {
        ScanReport read = reader.read(json(version1()));

        assertEquals(1, read.formatVersion());
        assertNull(read.profile());
        assertNull(read.partial());
        assertNull(read.coverage());
        assertEquals(List.of(), read.hosts().get(0).portList());
    }

    @Test
    void theAgentsMapperLeavesOutAbsentValuesAndWritesInstantsAsIsoText() throws Exception {
        ObjectNode tree = (ObjectNode) mapper.readTree(json(version1()));

        assertEquals("2026-11-22T00:29:09Z", tree.get("scanStart").asText());
        assertNull(tree.get("hosts").get(2).get("mac"), "no \"mac\": null for a host without MAC");
        assertEquals("[]", tree.get("hosts").get(3).get("hostnames").toString(), "null host names become []");
        assertNull(tree.get("partial"), "a version 1 report has no version 2 fields");
    }

    @Test
    void acceptsAReportThatEndsWhenItStarts() throws Exception {
        byte[] body = changed(1, tree -> tree.put("scanEnd", tree.get("scanStart").asText()));

        ScanReport read = reader.read(body);

        assertEquals(read.scanStart(), read.scanEnd());
    }

    // ---- refused with 400 ---------------------------------------------------------------------------

    @Test
    void refusesAnEmptyBody() {
        assertNames(rejected(new byte[0]), "empty body");
        assertNames(rejected(null), "empty body");
    }

    @ParameterizedTest(name = "version {0}")
    @ValueSource(ints = {1, 2})
    void refusesMalformedJson(int version) throws Exception {
        byte[] valid = valid(version);

        assertNames(rejected(Arrays.copyOf(valid, valid.length / 2)), "malformed JSON");
        assertNames(rejected("{\"formatVersion\": 1,,}".getBytes(StandardCharsets.UTF_8)), "malformed JSON");
    }

    @Test
    void refusesAJsonArrayEvenOfValidReports() throws Exception {
        ArrayNode array = mapper.createArrayNode().add(mapper.valueToTree(version1()));

        assertNames(rejected(mapper.writeValueAsBytes(array)), "JSON object");
        assertNames(rejected("1".getBytes(StandardCharsets.UTF_8)), "JSON object");
        assertNames(rejected("null".getBytes(StandardCharsets.UTF_8)), "JSON object");
    }

    /** Two reports in one body are malformed JSON, not the first report with the rest ignored. */
    @ParameterizedTest(name = "version {0}")
    @ValueSource(ints = {1, 2})
    void refusesContentAfterTheReport(int version) throws Exception {
        byte[] valid = valid(version);
        reader.read(valid);
        byte[] twice = new byte[valid.length * 2];
        System.arraycopy(valid, 0, twice, 0, valid.length);
        System.arraycopy(valid, 0, twice, valid.length, valid.length);

        rejected(twice);
    }

    @ParameterizedTest(name = "version {0} without {1}")
    @MethodSource("requiredFields")
    void refusesAReportWithoutARequiredField(int version, String field) throws Exception {
        assertNames(rejected(changed(version, tree -> tree.remove(field))), field);
    }

    @ParameterizedTest(name = "version {0} host without {1}")
    @CsvSource({"1, address", "1, state", "2, address", "2, state"})
    void refusesAHostWithoutAddressOrState(int version, String field) throws Exception {
        assertNames(rejected(changed(version, tree -> firstHost(tree).remove(field))), field);
    }

    @ParameterizedTest(name = "version {0}")
    @ValueSource(ints = {1, 2})
    void refusesAnUnknownFormatVersion(int version) throws Exception {
        assertNames(rejected(changed(version, tree -> tree.put("formatVersion", 3))), "formatVersion");
        assertNames(rejected(changed(version, tree -> tree.put("formatVersion", 0))), "formatVersion");
        assertNames(rejected(changed(version, tree -> tree.put("formatVersion", "1"))), "formatVersion");
    }

    @Test
    void refusesAVersion2ReportLabelledVersion1AndTheOtherWayRound() throws Exception {
        assertNames(rejected(changed(2, tree -> tree.put("formatVersion", 1))), "profile");
        assertNames(rejected(changed(1, tree -> tree.put("formatVersion", 2))), "profile", "partial", "coverage");
    }

    @ParameterizedTest(name = "version {0}: \"{1}\"")
    @CsvSource({"1, KP1FAJc0Ld9XvS2_mQe7rT4uYw8zBn-", "1, KP1FAJc0Ld9XvS2_mQe7rT4uYw8zBn-ab", "1, ''",
        "1, KP1FAJc0Ld9XvS2_mQe7rT4uYw8zB<a>", "2, KP1FAJc0Ld9XvS2_mQe7rT4uYw8zBn-", "2, KP1FAJc0Ld9XvS2_mQe7rT4uYw8zBn-ab"})
    void refusesAnAgentCodeThatIsNot32SafeCharacters(int version, String code) throws Exception {
        assertNames(rejected(changed(version, tree -> tree.put("agentCode", code))), "agentCode");
    }

    @ParameterizedTest(name = "version {0}")
    @ValueSource(ints = {1, 2})
    void refusesAnExtraProperty(int version) throws Exception {
        assertNames(rejected(changed(version, tree -> tree.put("comment", "hi"))), "comment");
        assertNames(rejected(changed(version, tree -> firstHost(tree).put("os", "Linux"))), "os");
    }

    @ParameterizedTest(name = "version {0}: \"{1}\"")
    @CsvSource({"1, 02:5f:00:00:00", "1, 02-5F-00-00-00-01", "1, 025F.0000.0001", "1, 02:5f:00:00:00:0g", "1, ''",
        "2, 02:5f:00:00:00", "2, 02:5f:00:00:00:0b:00"})
    void refusesAMalformedMac(int version, String mac) throws Exception {
        assertNames(rejected(changed(version, tree -> firstHost(tree).put("mac", mac))), "mac");
    }

    @ParameterizedTest(name = "version {0}: \"{1}\"")
    @CsvSource({"1, 2026-11-22 00:36:23", "1, 2026-11-22", "1, yesterday", "1, 2026-13-22T00:36:23Z",
        "1, 2026-11-22T00:36:23", "2, 2026-11-22T25:00:00Z", "2, 1795307349"})
    void refusesAnInvalidDateTime(int version, String text) throws Exception {
        assertNames(rejected(changed(version, tree -> tree.put("scanStart", text))), "scanStart");
    }

    @ParameterizedTest(name = "version {0}")
    @ValueSource(ints = {1, 2})
    void refusesAScanThatEndsBeforeItStarts(int version) throws Exception {
        byte[] backwards = changed(version, tree -> {
            String start = tree.get("scanStart").asText();
            tree.put("scanStart", tree.get("scanEnd").asText());
            tree.put("scanEnd", start);
        });

        assertNames(rejected(backwards), "scanEnd", "scanStart");
    }

    @ParameterizedTest(name = "version {0}: {1}")
    @CsvSource({"1, 999.1.1.1", "1, 198.18.0", "1, 1.2.3.4.5", "1, 1:2", "1, ::ffff:198.18.0.1", "2, 256.18.0.11",
        "2, 2001:db8::5f::11"})
    void refusesAHostAddressThatIsNotAnIpAddress(int version, String address) throws Exception {
        assertNames(rejected(changed(version, tree -> firstHost(tree).put("address", address))), "address", address);
    }

    @Test
    void refusesAHostAddressThatIsAName() throws Exception {
        // the schema's pattern already refuses letters outside hex
        assertNames(rejected(changed(1, tree -> firstHost(tree).put("address", "localhost"))), "address");
    }

    @ParameterizedTest(name = "version {0}: {1}")
    @CsvSource({"1, 198.18.0.1/24", "1, 2001:db8:5f::11/64", "2, 198.18.0.128/24"})
    void refusesASubnetWithHostBitsSet(int version, String subnet) throws Exception {
        assertNames(rejected(changed(version, tree -> tree.put("subnet", subnet))), "subnet", "host bits");
    }

    @ParameterizedTest(name = "version {0}: {1}")
    @CsvSource({"1, 198.18.0.0", "1, 198.18.0.0/33", "1, 999.18.0.0/24", "1, localhost/24", "2, ::/129"})
    void refusesASubnetThatIsNotACidr(int version, String subnet) throws Exception {
        assertNames(rejected(changed(version, tree -> tree.put("subnet", subnet))), "subnet");
    }

    @Test
    void refusesAnUnknownHostState() throws Exception {
        assertNames(rejected(changed(1, tree -> firstHost(tree).put("state", "open"))), "state");
    }

    @Test
    void refusesAReportIdThatIsNotAUuid() throws Exception {
        assertNames(rejected(changed(1, tree -> tree.put("reportId", "report-1"))), "reportId");
    }

    @Test
    void refusesAnEmptyCommand() throws Exception {
        assertNames(rejected(changed(1, tree -> tree.putArray("command"))), "command");
    }

    // ---- version 2 only -----------------------------------------------------------------------------

    @Test
    void refusesAChunkIndexNotBelowItsCount() throws Exception {
        ReportRejected rejected = rejected(changed(2, tree -> ((ObjectNode) tree.get("chunk")).put("index", 2)));

        assertNames(rejected, "chunk", "2");
    }

    @Test
    void refusesACoverageTargetWithHostBitsSet() throws Exception {
        assertNames(rejected(changed(2, tree -> ((ArrayNode) tree.get("coverage").get("hostTargets"))
                .set(0, mapper.getNodeFactory().textNode("198.18.0.1/24")))), "coverage", "host bits");
    }

    @ParameterizedTest(name = "port state \"{0}\"")
    @ValueSource(strings = {"open-ish", "OPEN", ""})
    void refusesAnUnknownPortState(String state) throws Exception {
        assertNames(rejected(changed(2, tree -> ((ObjectNode) firstHost(tree).get("ports").get(0)).put("state", state))),
                "state");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(ints = {-1, 65536})
    void refusesAPortNumberOutOfRange(int port) throws Exception {
        assertNames(rejected(changed(2, tree -> ((ObjectNode) firstHost(tree).get("ports").get(0)).put("port", port))),
                "port");
    }

    @Test
    void refusesAnUnknownProfile() throws Exception {
        assertNames(rejected(changed(2, tree -> tree.put("profile", "everything"))), "profile");
    }
}
