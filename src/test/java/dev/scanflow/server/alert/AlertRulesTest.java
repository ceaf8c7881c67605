package dev.scanflow.server.alert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scanflow.config.InvalidSettings;
import dev.scanflow.server.delta.HostAddress;
import dev.scanflow.server.delta.ServiceField;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The rules file: the shipped one parses into what it documents, and mistakes name their key. */
class AlertRulesTest {

    @Test
    void theShippedFileHasTheDefaultCriticalPortsAndRules() {
        AlertRules rules = AlertRules.load(Path.of("config/alert-rules.yaml"));
        assertEquals(List.of("tcp/23", "tcp/3389", "tcp/2375", "tcp/445", "tcp/5900", "tcp/6379", "tcp/9200", "tcp/27017",
                        "tcp/11211", "udp/11211", "tcp/21", "tcp/1433", "tcp/3306", "tcp/5432", "tcp/22"),
                rules.criticalPorts().stream().map(port -> port.port().toString()).toList());
        assertTrue(rules.criticalPorts().stream().allMatch(port -> port.why() != null && !port.why().isBlank()),
                "every default is justified");
        assertEquals(List.of(), rules.subnets());
        assertTrue(rules.newHost().enabled() && rules.newHost().skipFirstScan());
        assertTrue(rules.macChange().enabled());
        assertEquals(Set.of(ServiceField.NAME, ServiceField.PRODUCT, ServiceField.VERSION, ServiceField.TUNNEL),
                rules.serviceChange().fields());
        assertEquals(Severity.CRITICAL, rules.judgePort("any", HostAddress.parse("10.0.0.1"), "tcp", 3389).orElseThrow().severity());
        assertFalse(rules.judgePort("any", HostAddress.parse("10.0.0.1"), "tcp", 443).isPresent());
    }

    @Test
    void aPolicyWithDefaultsParses() {
        AlertRules rules = AlertRules.parse("""
                subnets:
                  - cidrs: [192.0.2.0/24, "2001:db8::/64"]
                    block: [tcp/22, 8000-8100]
                    allow: [udp/161]
                """, "test.yaml");
        AlertRules.SubnetPolicy policy = rules.subnets().get(0);
        assertEquals(Severity.CRITICAL, policy.blockSeverity());
        assertEquals(null, policy.notAllowedSeverity());
        assertEquals("[192.0.2.0/24, 2001:db8::/64]", policy.name());
        assertTrue(policy.covers("x", HostAddress.parse("2001:db8::7")));
        assertEquals("blocked in [192.0.2.0/24, 2001:db8::/64]",
                rules.judgePort("x", HostAddress.parse("192.0.2.9"), "tcp", 8050).orElseThrow().rule());
        assertFalse(rules.newHost().enabled(), "rules not written are off");
    }

    @Test
    void mistakesStopTheStartNamingTheKey() {
        assertRefused("criticalPorts:\n  - port: tcp/23\n    severity: urgent\n", "criticalPorts[0].severity", "urgent");
        assertRefused("criticalPorts:\n  - port: tcp/99999\n    severity: low\n", "criticalPorts[0].port", "99999");
        assertRefused("criticalPorts:\n  - severity: low\n", "criticalPorts[0].port is required", null);
        assertRefused("subnets:\n  - cidrs: [10.0.0.1/24]\n", "subnets[0].cidrs[0]", "host bits");
        assertRefused("subnets:\n  - cidrs: []\n", "subnets[0].cidrs", "at least one");
        assertRefused("newHost:\n  enabled: true\n  severiti: low\n", "newHost.severiti: unknown key", "cidrs, enabled, severity, skipFirstScan");
        assertRefused("serviceChange:\n  fields: [version, colour]\n", "serviceChange.fields", "colour");
        assertRefused("criticalPorts: [", "not valid YAML", null);
    }

    private static void assertRefused(String yaml, String where, String what) {
        InvalidSettings refused = assertThrows(InvalidSettings.class, () -> AlertRules.parse(yaml, "rules.yaml"));
        assertTrue(refused.getMessage().startsWith("rules.yaml: "), refused.getMessage());
        assertTrue(refused.getMessage().contains(where), refused.getMessage());
        assertTrue(what == null || refused.getMessage().contains(what), refused.getMessage());
    }
}
