package dev.scanflow.agent.phpipam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scanflow.net.IpAddress;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The client against a phpIPAM-shaped HTTP server: URLs, header, envelope, every documented refusal. */
class PhpipamApiClientTest {

    @TempDir
    Path home;

    private FakePhpipam phpipam;
    private PhpipamApiClient client;

    @BeforeEach
    void start() throws IOException {
        phpipam = FakePhpipam.start().documentedSite();
        client = new PhpipamApiClient(phpipam.settings(home));
    }

    @AfterEach
    void stop() {
        phpipam.close();
    }

    private PhpipamApiClient clientWith(String... keyValues) {
        return new PhpipamApiClient(phpipam.settings(home, keyValues));
    }

    @Test
    void asksForTheAgentByCodeOnThePrettyUrlWithTheAppCodeInTheTokenHeader() {
        client.agentByCode(FakePhpipam.AGENT_CODE);

        assertEquals(List.of("/api/scanflow/tools/scanagents/?filter_by=code&filter_value=" + FakePhpipam.AGENT_CODE),
                phpipam.requests());
        assertEquals(List.of(FakePhpipam.APP_CODE), phpipam.tokens());
    }

    @Test
    void resolvesTheAgentsIdByItsCode() {
        PhpipamAgent agent = client.agentByCode(FakePhpipam.AGENT_CODE).orElseThrow();

        assertEquals(new PhpipamAgent(2, "remote1", "mysql"), agent);
    }

    @Test
    void anUnknownAgentCodeIsNoAgentNotAnError() {
        // phpIPAM: 404 {"code":404,"success":false,"message":"No results (filter applied)"}
        assertEquals(Optional.empty(), client.agentByCode("unknownunknownunknownunknown0000"));
    }

    @Test
    void noResultsForAFilterIsAnEmptyResultWithPhpipamsMessage() {
        ApiResult result = client.get(ApiRequest.filtered("subnets/", "scanAgent", "99"));

        assertFalse(result.hasResults());
        assertEquals("No results (filter applied)", result.message());
        assertEquals(List.of(), result.rows());
    }

    @Test
    void anAgentWithNoSubnetsHasAnEmptyList() {
        assertEquals(List.of(), client.subnetsOfAgent(99));
    }

    @Test
    void listsTheAgentsSubnetsWithTheirFlagsAsTheListCallGivesThem() {
        List<ApiSubnet> subnets = client.subnetsOfAgent(2);

        assertEquals(List.of(1L, 2L, 3L, 7L, 9L, 10L, 11L), subnets.stream().map(ApiSubnet::id).toList());
        ApiSubnet customers = subnets.get(2);
        assertEquals(new ApiSubnet(3, "10.10.1.0", "24", "subnet 3", 2, 2L, false, false, true, false, true, 1L),
                customers);
        ApiSubnet v6 = subnets.get(0);
        assertEquals("fd13:6d20:29dc:cf27::", v6.subnet());
        assertEquals("64", v6.mask());
    }

    @Test
    void noAddressesFoundIsAnEmptyList() {
        assertEquals(List.of(), client.addresses(9));
        assertEquals("/api/scanflow/subnets/9/addresses/", phpipam.requests().get(0));
    }

    @Test
    void readsKnownAddressesFromTheRemappedKeys() {
        List<KnownAddress> addresses = client.addresses(3);

        assertEquals(List.of(
                new KnownAddress(1, IpAddress.parse("10.10.1.3"), "server1.cust1.local", false, 2),
                new KnownAddress(2, IpAddress.parse("10.10.1.4"), "", false, 2),
                new KnownAddress(3, IpAddress.parse("10.10.1.5"), null, true, 3),
                new KnownAddress(4, IpAddress.parse("10.10.1.6"), null, false, 3)), addresses);
    }

    @ParameterizedTest(name = "stringify={0}")
    @ValueSource(booleans = {false, true})
    void readsNumbersAndTheSameValuesAsStringsAlike(boolean stringify) {
        phpipam.stringify = stringify;

        assertEquals(2, client.agentByCode(FakePhpipam.AGENT_CODE).orElseThrow().id());
        assertEquals(new ApiSubnet(3, "10.10.1.0", "24", "subnet 3", 2, 2L, false, false, true, false, true, 1L),
                client.subnetsOfAgent(2).get(2));
        assertEquals(new KnownAddress(3, IpAddress.parse("10.10.1.5"), null, true, 3), client.addresses(3).get(2));
        assertEquals(List.of("8.8.8.8", "8.8.4.4"), client.nameservers(1).orElseThrow().servers());
    }

    @Test
    void readsAMixOfNumbersAndStringsInOneRow() {
        var row = phpipam.subnets.get(2);
        row.put("id", "3");
        row.put("masterSubnetId", 2);
        row.put("pingSubnet", "1");
        row.put("discoverSubnet", 0);
        row.put("resolveDNS", true);
        row.put("nameserverId", "1");
        row.put("scanAgent", "2");
        row.put("isFolder", "0");

        assertEquals(new ApiSubnet(3, "10.10.1.0", "24", "subnet 3", 2, 2L, false, false, true, false, true, 1L),
                client.subnetsOfAgent(2).get(2));
    }

    @Test
    void aValueThatIsNeitherNumberNorNumericStringIsRefusedByName() {
        phpipam.subnets.get(2).put("pingSubnet", "yes");

        PhpipamApiException e = assertThrows(PhpipamApiException.class, () -> client.subnetsOfAgent(2));
        assertTrue(e.getMessage().contains("pingSubnet"), e.getMessage());
    }

    @Test
    void checksForChildSubnetsThroughSlaves() {
        assertTrue(client.hasChildSubnets(7));
        assertFalse(client.hasChildSubnets(9)); // 404 "No slaves"
        assertEquals(List.of("/api/scanflow/subnets/7/slaves/", "/api/scanflow/subnets/9/slaves/"), phpipam.requests());
    }

    @Test
    void splitsTheNameserversOnSemicolonsAndKeepsOnlyAddresses() {
        phpipam.nameserver(2, "mixed", " 192.0.2.53 ;2001:db8::53;;ns.example.org;-oN /tmp/x");

        Nameservers set = client.nameservers(2).orElseThrow();

        assertEquals(List.of("192.0.2.53", "2001:db8::53"), set.servers());
        assertEquals(List.of("ns.example.org", "-oN /tmp/x"), set.ignored());
        assertEquals(Optional.empty(), client.nameservers(42));
    }

    @Test
    void aWrongAppCodeIs401AndSaysWhichSettingToCheck() {
        PhpipamApiClient wrong = clientWith(PhpipamApiSettings.APP_CODE, "WrongWrongWrongWrongWrongWrong12");

        PhpipamApiUnauthorized e = assertThrows(PhpipamApiUnauthorized.class,
                () -> wrong.agentByCode(FakePhpipam.AGENT_CODE));

        assertEquals(401, e.status());
        assertTrue(e.getMessage().contains("\"Unauthorized\""), e.getMessage());
        assertTrue(e.getMessage().contains(PhpipamApiSettings.APP_CODE), e.getMessage());
        assertFalse(e.getMessage().contains("WrongWrong"), "the app code must not be in the message");
    }

    @Test
    void anotherAppsCodeIs403InvalidToken() {
        PhpipamApiClient other = clientWith(PhpipamApiSettings.APP_CODE, FakePhpipam.OTHER_APP_CODE);

        PhpipamApiUnauthorized e = assertThrows(PhpipamApiUnauthorized.class, () -> other.subnetsOfAgent(2));

        assertEquals(403, e.status());
        assertTrue(e.getMessage().contains("Invalid token"), e.getMessage());
    }

    @Test
    void anUnknownAppIdSaysToCheckTheAppId() {
        PhpipamApiClient unknown = clientWith(PhpipamApiSettings.APP_ID, "nosuchapp");

        PhpipamApiUnauthorized e = assertThrows(PhpipamApiUnauthorized.class, () -> unknown.subnetsOfAgent(2));

        assertEquals(400, e.status());
        assertTrue(e.getMessage().contains("Invalid application id"), e.getMessage());
        assertTrue(e.getMessage().contains(PhpipamApiSettings.APP_ID), e.getMessage());
    }

    @Test
    void apiServerDisabledIs503WithPhpipamsMessageAndWhereToSwitchItOn() {
        phpipam.apiEnabled = false;

        PhpipamApiUnavailable e = assertThrows(PhpipamApiUnavailable.class,
                () -> client.agentByCode(FakePhpipam.AGENT_CODE));

        assertEquals(503, e.status());
        assertTrue(e.getMessage().contains("\"API server disabled\""), e.getMessage());
        assertTrue(e.getMessage().contains("phpIPAM settings"), e.getMessage());
    }

    @Test
    void aDisabledAppIs503ApplicationDisabled() {
        phpipam.appEnabled = false;

        PhpipamApiUnavailable e = assertThrows(PhpipamApiUnavailable.class, () -> client.subnetsOfAgent(2));

        assertTrue(e.getMessage().contains("\"Application disabled\""), e.getMessage());
    }

    @Test
    void plainHttpToAnSslCodeAppIs503SslRequired() {
        phpipam.sslRequired = true;

        PhpipamApiUnavailable e = assertThrows(PhpipamApiUnavailable.class, () -> client.subnetsOfAgent(2));

        assertTrue(e.getMessage().contains("\"SSL connection is required for API\""), e.getMessage());
        assertTrue(e.getMessage().contains("https://"), e.getMessage());
    }

    @Test
    void aServerErrorWithoutEnvelopeIsUnavailableWithItsStatus() {
        phpipam.proxyStatus = 502;

        PhpipamApiUnavailable e = assertThrows(PhpipamApiUnavailable.class, () -> client.subnetsOfAgent(2));

        assertEquals(502, e.status());
        assertTrue(e.getMessage().contains("HTTP 502"), e.getMessage());
    }

    @Test
    void a404WithoutPhpipamsEnvelopeMeansTheUrlIsWrongNotNoResults() throws IOException {
        // phpIPAM installed under /phpipam, but the URL names the web root: the web server answers 404 HTML
        PhpipamApiClient wrongPath = new PhpipamApiClient(phpipam.settings(home, PhpipamApiSettings.URL,
                phpipam.url() + "/phpipam"));

        PhpipamApiException e = assertThrows(PhpipamApiException.class, () -> wrongPath.subnetsOfAgent(2));

        assertFalse(e instanceof PhpipamApiUnavailable);
        assertEquals(404, e.status());
        assertTrue(e.getMessage().contains(PhpipamApiSettings.URL), e.getMessage());
        assertEquals("/phpipam/api/scanflow/subnets/?filter_by=scanAgent&filter_value=2", phpipam.requests().get(0));
    }

    @Test
    void noConnectionIsUnavailable() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        PhpipamApiClient nowhere = clientWith(PhpipamApiSettings.URL, "https://127.0.0.1:" + closedPort);

        PhpipamApiUnavailable e = assertThrows(PhpipamApiUnavailable.class, () -> nowhere.subnetsOfAgent(2));

        assertEquals(0, e.status());
        assertTrue(e.getMessage().contains("cannot connect"), e.getMessage());
    }

    @Test
    void noAnswerWithinTheTimeoutIsUnavailable() {
        phpipam.delay = Duration.ofSeconds(3);
        PhpipamApiClient impatient = clientWith(PhpipamApiSettings.TIMEOUT, "PT0.3S");

        PhpipamApiUnavailable e = assertThrows(PhpipamApiUnavailable.class, () -> impatient.subnetsOfAgent(2));

        assertTrue(e.getMessage().contains("no answer within 300 ms"), e.getMessage());
    }

    @Test
    void neverFollowsTheLocationHeaderOfA401() {
        PhpipamApiClient wrong = clientWith(PhpipamApiSettings.APP_CODE, "WrongWrongWrongWrongWrongWrong12");

        assertThrows(PhpipamApiUnauthorized.class, () -> wrong.subnetsOfAgent(2));

        assertEquals(1, phpipam.requestCount(), "the 401's Location: /api//user/ must not be requested");
    }

    @Test
    void rowsOfAnObjectKeyedByIndexAreItsValues() throws Exception {
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        ApiResult holes = ApiResult.of(json.readTree("{\"0\":{\"id\":1},\"2\":{\"id\":3}}"));
        ApiResult single = ApiResult.of(json.readTree("{\"id\":1,\"name\":\"Google NS\"}"));

        assertEquals(2, holes.rows().size());
        assertEquals(3, holes.rows().get(1).get("id").asInt());
        assertEquals(1, single.rows().size());
        assertInstanceOf(com.fasterxml.jackson.databind.node.ObjectNode.class, single.rows().get(0));
    }
}
