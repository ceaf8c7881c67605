package dev.scanflow.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scanflow.config.AgentSettings;
import dev.scanflow.config.InvalidSettings;
import dev.scanflow.config.SettingsSource;
import dev.scanflow.net.Cidr;
import dev.scanflow.net.IpAddress;
import dev.scanflow.report.PortList;
import dev.scanflow.report.ScanProfile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The scan engine's settings: profiles per subnet, ports, masscan, chunks, archive (config/agent.properties). */
class ScanEngineSettingsTest {

    private static InvalidSettings refused(String... keyValues) {
        return assertThrows(InvalidSettings.class, () -> TestSettings.of(keyValues));
    }

    @Test
    void theDefaultsAreDiscoveryEverywhereWithAPortListAndAMasscanRate() {
        AgentSettings settings = TestSettings.of();

        assertEquals(ScanProfile.DISCOVERY, settings.profile());
        assertEquals(Map.of(), settings.subnetProfiles());
        assertEquals(PortList.parse(AgentSettings.DEFAULT_PORTS), settings.ports());
        assertEquals(22, settings.ports().size());
        assertEquals(List.of(), settings.excludeAddresses());
        assertEquals(24, settings.chunkPrefix(4));
        assertEquals(120, settings.chunkPrefix(6));
        assertEquals(Duration.ofSeconds(10), settings.statsEvery());
        assertEquals(AgentSettings.TcpScan.AUTO, settings.tcpScan());
        assertEquals(4, settings.serviceScanParallelism());
        AgentSettings.Masscan masscan = settings.masscan();
        assertEquals("masscan", masscan.executable());
        assertEquals(1000, masscan.rate(), "never masscan's own 100 packets/s");
        assertEquals(Duration.ofSeconds(5), masscan.waitTime());
        assertEquals(0, masscan.retries());
        assertNull(masscan.networkInterface());
        assertNull(masscan.routerIp());
        assertNull(masscan.routerMac());
        assertEquals(Path.of("var/scan-archive"), settings.archive().dir());
        assertEquals(30, settings.archive().retentionDays());
    }

    @Test
    void theDefaultsInTheShippedConfigFileAreTheDefaultsInTheCode() throws IOException {
        Properties shipped = new Properties();
        try (InputStream in = Files.newInputStream(Path.of("config/agent.properties"))) {
            shipped.load(in);
        }
        shipped.setProperty("scanflow.agent.code", TestSettings.CODE);
        shipped.setProperty("scanflow.agent.token", "t");

        AgentSettings fromFile = AgentSettings.from(SettingsSource.of(shipped));
        AgentSettings defaults = TestSettings.of();

        assertEquals(defaults.profile(), fromFile.profile());
        assertEquals(defaults.ports(), fromFile.ports());
        assertEquals(defaults.excludePorts(), fromFile.excludePorts());
        assertEquals(defaults.excludeAddresses(), fromFile.excludeAddresses());
        assertEquals(defaults.chunkPrefix(4), fromFile.chunkPrefix(4));
        assertEquals(defaults.chunkPrefix(6), fromFile.chunkPrefix(6));
        assertEquals(defaults.statsEvery(), fromFile.statsEvery());
        assertEquals(defaults.tcpScan(), fromFile.tcpScan());
        assertEquals(defaults.serviceScanParallelism(), fromFile.serviceScanParallelism());
        assertEquals(defaults.masscan(), fromFile.masscan());
        assertEquals(defaults.archive(), fromFile.archive());
    }

    @Test
    void aSubnetGetsItsOwnProfileAndTheOthersTheDefault() {
        AgentSettings settings = TestSettings.of("scanflow.agent.subnets", "127.0.0.0/29, 127.0.1.0/24, ::1",
                "scanflow.agent.profile", "services-nmap",
                "scanflow.agent.subnet-profiles", "127.0.1.0/24=ports , ::1/128=discovery");

        assertEquals(ScanProfile.PORTS, settings.profileFor(Cidr.parse("127.0.1.0/24")));
        assertEquals(ScanProfile.DISCOVERY, settings.profileFor(Cidr.parse("::1")));
        assertEquals(ScanProfile.SERVICES_NMAP, settings.profileFor(Cidr.parse("127.0.0.0/29")));
    }

    @ParameterizedTest(name = "{0}={1} is refused")
    @CsvSource(delimiter = '|', value = {
        "scanflow.agent.profile|fast",
        "scanflow.agent.subnet-profiles|127.0.0.0/29",
        "scanflow.agent.subnet-profiles|127.0.0.0/29=turbo",
        "scanflow.agent.subnet-profiles|127.0.1.0/24=ports",
        "scanflow.agent.subnet-profiles|127.0.0.0/29=ports,127.0.0.0/29=discovery",
        "scanflow.agent.ports|22;80",
        "scanflow.agent.ports|0-100",
        "scanflow.agent.exclude-ports|http",
        "scanflow.agent.exclude-addresses|localhost",
        "scanflow.agent.chunk-prefix.ipv4|7",
        "scanflow.agent.chunk-prefix.ipv6|63",
        "scanflow.agent.stats-every|PT0.5S",
        "scanflow.agent.tcp-scan|xmas",
        "scanflow.agent.service-scan-parallelism|0",
        "scanflow.agent.masscan.rate|0",
        "scanflow.agent.masscan.wait|0s",
        "scanflow.agent.masscan.retries|6",
        "scanflow.agent.masscan.min-addresses|0",
        "scanflow.agent.masscan.interface|-oJ",
        "scanflow.agent.masscan.interface|eth0 --echo",
        "scanflow.agent.masscan.router-ip|gateway",
        "scanflow.agent.masscan.router-mac|02:5f:00:00:01",
        "scanflow.agent.masscan.source-ip|127.0.0.1/8",
        "scanflow.agent.archive.retention-days|0",
        "scanflow.agent.host-timeout|PT0.5S"})
    void aBadValueIsRefusedNamingItsKey(String key, String value) {
        InvalidSettings invalid = refused(key, value);

        assertTrue(invalid.getMessage().contains(key), invalid.getMessage());
    }

    @Test
    void excludedPortsAreTakenOutOfThePortList() {
        AgentSettings settings = TestSettings.of("scanflow.agent.ports", "20-25,80", "scanflow.agent.exclude-ports", "23,80");

        assertEquals("20-22,24-25", settings.ports().toString());
    }

    @Test
    void aProfileWithNoPortLeftToProbeIsRefused() {
        InvalidSettings invalid = refused("scanflow.agent.profile", "services-nmap", "scanflow.agent.ports", "22",
                "scanflow.agent.exclude-ports", "22");

        assertTrue(invalid.getMessage().contains("scanflow.agent.ports"), invalid.getMessage());
        TestSettings.of("scanflow.agent.ports", "22", "scanflow.agent.exclude-ports", "22"); // discovery needs no port
    }

    @Test
    void aMasscanRunThatCannotEndWithinTheScanTimeoutIsRefusedAtStart() {
        // a /24 at the default 22 ports: 5632 probes at 10 packets/s take 563 s, plus the 5 s wait
        InvalidSettings invalid = refused("scanflow.agent.subnets", "127.0.0.0/24", "scanflow.agent.profile", "ports",
                "scanflow.agent.masscan.rate", "10", "scanflow.agent.scan-timeout", "9m", "scanflow.agent.masscan.min-addresses", "256");

        assertTrue(invalid.getMessage().contains("scanflow.agent.scan-timeout"), invalid.getMessage());
        assertTrue(invalid.getMessage().contains("5632 probes"), invalid.getMessage());
        assertTrue(invalid.getMessage().contains("about 568 s"), invalid.getMessage());
        TestSettings.of("scanflow.agent.subnets", "127.0.0.0/24", "scanflow.agent.profile", "ports",
                "scanflow.agent.masscan.rate", "10", "scanflow.agent.scan-timeout", "10m", "scanflow.agent.masscan.min-addresses", "256");
    }

    @Test
    void masscanRetriesCountInTheTimeOfARun() {
        InvalidSettings invalid = refused("scanflow.agent.subnets", "127.0.0.0/24", "scanflow.agent.profile", "ports",
                "scanflow.agent.masscan.rate", "10", "scanflow.agent.masscan.retries", "1", "scanflow.agent.scan-timeout", "10m",
                "scanflow.agent.masscan.min-addresses", "256");

        assertTrue(invalid.getMessage().contains("about 1131 s"), invalid.getMessage());
    }

    @Test
    void aTooLargeSubnetDoesNotStopTheAgentItIsRefusedPerScan() {
        AgentSettings settings = TestSettings.of("scanflow.agent.subnets", "2001:db8:5f::/64,127.0.0.0/29",
                "scanflow.agent.subnet-profiles", "2001:db8:5f::/64=ports", "scanflow.agent.chunk-prefix.ipv6", "64");

        assertEquals(2, settings.subnets().size());
    }

    @Test
    void readsTheMasscanSettings() {
        AgentSettings.Masscan masscan = TestSettings.of("scanflow.agent.masscan", "/usr/bin/masscan",
                "scanflow.agent.masscan.rate", "25000", "scanflow.agent.masscan.wait", "PT3S",
                "scanflow.agent.masscan.retries", "2", "scanflow.agent.masscan.interface", "sfl1f247s",
                "scanflow.agent.masscan.router-ip", "198.18.0.1", "scanflow.agent.masscan.router-mac", "02:5F:00:00:00:01",
                "scanflow.agent.masscan.source-ip", "2001:DB8:5F::3").masscan();

        assertEquals(new AgentSettings.Masscan("/usr/bin/masscan", 25000, Duration.ofSeconds(3), 2, "sfl1f247s",
                IpAddress.parse("198.18.0.1"), "02-5f-00-00-00-01", IpAddress.parse("2001:db8:5f::3"), 512), masscan);
    }

    @Test
    void aTargetBelowMasscansMinimumNeedsNoMasscanTimeAtStart() {
        // the same rate and timeout that refuse a masscan run over a /24: nmap alone scans the /24 by default
        AgentSettings settings = TestSettings.of("scanflow.agent.subnets", "127.0.0.0/24", "scanflow.agent.profile", "ports",
                "scanflow.agent.masscan.rate", "10", "scanflow.agent.scan-timeout", "9m");

        assertFalse(settings.masscan().scans(Cidr.parse("127.0.0.0/24")));
    }

    @Test
    void masscanScansTargetsOfAtLeastItsMinimumOfAddresses() {
        AgentSettings.Masscan byDefault = TestSettings.of().masscan();
        assertEquals(512, byDefault.minAddresses());
        assertFalse(byDefault.scans(Cidr.parse("198.18.0.0/24")), "256 addresses");
        assertTrue(byDefault.scans(Cidr.parse("198.18.0.0/23")), "512 addresses");
        assertTrue(byDefault.scans(Cidr.parse("198.18.0.0/22")));
        assertFalse(byDefault.scans(Cidr.parse("2001:db8:5f::/120")));
        assertTrue(byDefault.scans(Cidr.parse("2001:db8:5f::/64")), "2^64 addresses, no overflow");

        AgentSettings.Masscan always = TestSettings.of("scanflow.agent.masscan.min-addresses", "1").masscan();
        assertTrue(always.scans(Cidr.parse("198.18.0.5/32")));
        AgentSettings.Masscan fromAQuarter = TestSettings.of("scanflow.agent.masscan.min-addresses", "64").masscan();
        assertFalse(fromAQuarter.scans(Cidr.parse("198.18.0.0/27")));
        assertTrue(fromAQuarter.scans(Cidr.parse("198.18.0.0/26")));
    }
}
