package dev.scanflow.agent.phpipam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scanflow.net.Cidr;
import dev.scanflow.net.IpAddress;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Which subnets the agent scans and how, from phpIPAM's API, as phpIPAM's own agents decide. */
class PhpipamWorkSourceTest {

    @TempDir
    Path home;

    private FakePhpipam phpipam;

    @BeforeEach
    void start() throws IOException {
        phpipam = FakePhpipam.start().documentedSite();
    }

    @AfterEach
    void stop() {
        phpipam.close();
    }

    private ScanWork fetch(String... keyValues) {
        PhpipamApiSettings settings = phpipam.settings(home, keyValues);
        return new PhpipamWorkSource(new PhpipamApiClient(settings), settings.agentCode(), settings.resolveEmptyOnly())
                .fetch();
    }

    private static Map<String, String> reasons(ScanWork work) {
        Map<String, String> reasons = new java.util.LinkedHashMap<>();
        work.skipped().forEach(skip -> reasons.put(skip.subnet(), skip.reason()));
        return reasons;
    }

    @ParameterizedTest(name = "stringify={0}")
    @ValueSource(booleans = {false, true})
    void scansOnlyLeafSubnetsWithAScanFlagAndAMask(boolean stringify) {
        phpipam.stringify = stringify;

        ScanWork work = fetch();

        assertEquals(new PhpipamAgent(2, "remote1", "mysql"), work.agent());
        assertEquals(List.of("fd13:6d20:29dc:cf27::/64", "10.10.1.0/24", "10.30.5.0/24"), work.cidrs());
        Map<String, String> reasons = reasons(work);
        assertEquals(List.of("10.10.0.0/16", "10.20.0.0/16", "10.40.0.0/24", "0.0.0.0/0"), List.copyOf(reasons.keySet()));
        assertTrue(reasons.get("10.10.0.0/16").contains("child subnets"));
        assertTrue(reasons.get("10.20.0.0/16").contains("child subnets"));
        assertTrue(reasons.get("10.40.0.0/24").contains("pingSubnet"));
        assertEquals("mask 0", reasons.get("0.0.0.0/0"));
        assertFalse(work.fromCache());
    }

    @Test
    void subnetsIsADropInForTheConfiguredListAndKeepsTheDetailsForTheCycle() {
        PhpipamApiSettings settings = phpipam.settings(home);
        PhpipamWorkSource source = new PhpipamWorkSource(new PhpipamApiClient(settings), settings.agentCode(), true);
        assertThrows(IllegalStateException.class, () -> source.assigned("10.10.1.0/24"));

        List<String> subnets = source.subnets();

        assertEquals(List.of("fd13:6d20:29dc:cf27::/64", "10.10.1.0/24", "10.30.5.0/24"), subnets);
        assertEquals(3, source.assigned("10.10.1.0/24").id());
        assertEquals(subnets, source.lastWork().orElseThrow().cidrs());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> source.assigned("10.10.0.0/16"));
        assertTrue(e.getMessage().contains("remote1"), e.getMessage());
    }

    @Test
    void aChildAssignedToAnotherAgentStillMakesItsParentAParent() {
        ScanWork work = fetch();

        // subnet 7's only child (8) is agent 3's: the agent's own list cannot show it, subnets/7/slaves/ does
        assertTrue(phpipam.requests().contains("/api/scanflow/subnets/7/slaves/"));
        assertEquals(List.of(7L), work.skipped().stream().filter(s -> s.reason().contains("child")).map(SkippedSubnet::id)
                .filter(id -> id == 7).toList());
    }

    @Test
    void aParentOfTheAgentsOwnSubnetsNeedsNoSlavesRequest() {
        fetch();

        assertFalse(phpipam.requests().contains("/api/scanflow/subnets/2/slaves/"));
        assertTrue(phpipam.requests().contains("/api/scanflow/subnets/3/slaves/"));
    }

    @Test
    void pingSubnetChecksTheKnownAddressesExceptExcludedFromPing() {
        AssignedSubnet customers = fetch().subnet("10.10.1.0/24").orElseThrow();

        assertTrue(customers.statusCheck());
        assertFalse(customers.discover());
        assertEquals(List.of(1L, 2L, 3L, 4L), customers.knownAddresses().stream().map(KnownAddress::id).toList());
        assertEquals(List.of(1L, 2L, 4L), customers.statusCheckAddresses().stream().map(KnownAddress::id).toList());
        assertEquals(List.of("10.10.1.3", "10.10.1.4", "10.10.1.6"), customers.scanTargets());
    }

    @Test
    void discoverSubnetSweepsTheWholeSubnetEvenWithNoAddressesFound() {
        AssignedSubnet empty = fetch().subnet("10.30.5.0/24").orElseThrow();

        assertTrue(empty.discover());
        assertFalse(empty.statusCheck());
        assertEquals(List.of(), empty.knownAddresses()); // phpIPAM: 404 "No addresses found"
        assertEquals(List.of("10.30.5.0/24"), empty.scanTargets());
        assertEquals(List.of(), empty.statusCheckAddresses());
    }

    @Test
    void resolveDnsUsesTheSubnetsNameserversAndFillsOnlyEmptyHostnames() {
        AssignedSubnet customers = fetch().subnet("10.10.1.0/24").orElseThrow();

        assertTrue(customers.resolveDns());
        assertEquals(List.of("8.8.8.8", "8.8.4.4"), customers.nameservers());
        assertFalse(customers.usesSystemResolver());
        // 1 has a host name, 3 is excluded from ping: left alone
        assertEquals(List.of(2L, 4L), customers.hostnamesToResolve().stream().map(KnownAddress::id).toList());
        assertTrue(phpipam.requests().contains("/api/scanflow/tools/nameservers/1/"));
    }

    @Test
    void resolveEmptyOnlyOffRefreshesEveryHostname() {
        AssignedSubnet customers = fetch(PhpipamApiSettings.RESOLVE_EMPTY_ONLY, "false")
                .subnet("10.10.1.0/24").orElseThrow();

        assertEquals(List.of(1L, 2L, 4L), customers.hostnamesToResolve().stream().map(KnownAddress::id).toList());
    }

    @Test
    void resolveDnsWithoutNameserversUsesTheSystemResolverAndAsksForNone() {
        phpipam.subnets.get(8).put("resolveDNS", 1); // subnet 9, no nameserverId

        AssignedSubnet empty = fetch().subnet("10.30.5.0/24").orElseThrow();

        assertTrue(empty.usesSystemResolver());
        assertEquals(1, phpipam.requests().stream().filter(r -> r.contains("nameservers")).count());
    }

    @Test
    void noDnsWithoutResolveDns() {
        AssignedSubnet v6 = fetch().subnet("fd13:6d20:29dc:cf27::/64").orElseThrow();

        assertFalse(v6.resolveDns());
        assertEquals(List.of(), v6.hostnamesToResolve());
        assertFalse(v6.usesSystemResolver());
    }

    @Test
    void anIpv6SubnetIsScannedWithItsCompressedAddresses() {
        AssignedSubnet v6 = fetch().subnet("fd13:6d20:29dc:cf27::/64").orElseThrow();

        assertEquals(Cidr.parse("fd13:6d20:29dc:cf27::/64"), v6.cidr());
        assertEquals(6, v6.ipVersion());
        assertTrue(v6.statusCheck());
        assertTrue(v6.discover());
        assertEquals(BigInteger.ONE.shiftLeft(64), v6.addressCount());
        assertEquals(IpAddress.parse("fd13:6d20:29dc:cf27::10"), v6.knownAddresses().get(0).ip());
        assertTrue(v6.known(IpAddress.parse("fd13:6d20:29dc:cf27:0:0:0:10")).isPresent());
    }

    @Test
    void anAgentWithNoSubnetsHasNothingToScan() {
        phpipam.agent(4, "idle", "mysql", "IdleIdleIdleIdleIdleIdleIdle0000");

        ScanWork work = fetch(PhpipamApiSettings.AGENT_CODE, "IdleIdleIdleIdleIdleIdleIdle0000");

        assertEquals(4, work.agent().id());
        assertTrue(work.isEmpty());
        assertEquals(List.of(), work.skipped());
        // phpIPAM answered 404 "No results (filter applied)"; nothing more was asked
        assertEquals(2, phpipam.requestCount());
    }

    @Test
    void anAgentCodePhpipamDoesNotKnowStopsWithTheSettingToCheck() {
        PhpipamApiException e = assertThrows(PhpipamApiException.class,
                () -> fetch(PhpipamApiSettings.AGENT_CODE, "NoSuchAgentNoSuchAgentNoSuchAgen"));

        assertTrue(e.getMessage().contains(PhpipamApiSettings.AGENT_CODE), e.getMessage());
        assertFalse(e.getMessage().contains("NoSuchAgentNoSuchAgentNoSuchAgen"), e.getMessage());
    }

    @Test
    void aFolderInTheListIsNotScannedEvenWhenPhpipamSendsIt() {
        phpipam.removeFolders = false; // phpIPAM versions before remove_folders() sent folders too
        Map<String, Object> folder = phpipam.folder(12, "Agent's folder");
        folder.put("scanAgent", 2);
        folder.put("pingSubnet", 1);

        ScanWork work = fetch();

        assertEquals("a folder", reasons(work).get("0.0.0.0/?"));
        assertFalse(phpipam.requests().contains("/api/scanflow/subnets/12/slaves/"));
    }

    @Test
    void rowsPhpipamsLooseFilterLetsThroughAreCheckedAgain() throws Exception {
        // PHP's != is loose ("1e1" == "10"): whatever phpIPAM returns is checked for the exact agent and code
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        PhpipamApi loose = request -> {
            try {
                return switch (request.path()) {
                    case "tools/scanagents/" -> ApiResult.of(json.readTree(
                            "[{\"id\":5,\"name\":\"other\",\"code\":\"1e1\"},{\"id\":2,\"name\":\"remote1\",\"code\":\"10\"}]"));
                    case "subnets/" -> ApiResult.of(json.readTree(
                            "[{\"id\":4,\"subnet\":\"10.10.2.0\",\"mask\":\"24\",\"scanAgent\":3,\"pingSubnet\":1},"
                                    + "{\"id\":9,\"subnet\":\"10.30.5.0\",\"mask\":\"24\",\"scanAgent\":\"2\",\"discoverSubnet\":\"1\"}]"));
                    default -> ApiResult.noResults("No slaves");
                };
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };

        assertEquals(2, loose.agentByCode("10").orElseThrow().id());
        assertEquals(List.of(9L), loose.subnetsOfAgent(2).stream().map(ApiSubnet::id).toList());
    }

    @Test
    void anAddressOutsideItsSubnetIsLeftOut() {
        phpipam.address(7, 9, "10.99.0.1", "stray");

        AssignedSubnet empty = fetch().subnet("10.30.5.0/24").orElseThrow();

        assertEquals(List.of(), empty.knownAddresses());
    }

    @Test
    void anIpv6SubnetThatPhpipamPrintsAsIpv4IsSkippedWithTheReason() {
        // phpIPAM's identify_address() takes ::/96 (decimal 0 < 2^32) for IPv4 and prints it dotted
        Map<String, Object> small = phpipam.subnet(12, "0.0.0.0", "96");
        small.put("scanAgent", 2);
        small.put("pingSubnet", 1);

        ScanWork work = fetch();

        assertTrue(reasons(work).get("0.0.0.0/96").startsWith("not a subnet ScanFlow can read"), reasons(work).toString());
    }
}
