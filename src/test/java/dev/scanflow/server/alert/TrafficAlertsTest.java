package dev.scanflow.server.alert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scanflow.config.InvalidSettings;
import dev.scanflow.server.delta.HostAddress;
import dev.scanflow.server.delta.SubnetKey;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Traffic breaches under the alert rules: the rule's keys, and the life of a test's one alert. */
class TrafficAlertsTest {

    private static final Instant T0 = Instant.parse("2026-11-30T20:00:00Z");
    private static final List<String> SLOW = List.of("received 19.1 Mbit/s < minThroughput 50 Mbit/s");

    private final AlertEngine engine = new AlertEngine(AlertRules.parse("""
            trafficBreach:
              enabled: true
              severity: critical
            """, "test"));

    @Test
    void theShippedRulesAlertOnTrafficBreachesAsHigh() {
        AlertRules rules = AlertRules.load(Path.of("config/alert-rules.yaml"));
        assertTrue(rules.trafficBreach().enabled());
        assertEquals(Severity.HIGH, rules.trafficBreach().severity());
    }

    @Test
    void theRuleIsOffWhenAbsentAndItsKeysAreChecked() {
        assertFalse(AlertRules.parse("criticalPorts: []\n", "test").trafficBreach().enabled());
        InvalidSettings wrong = assertThrows(InvalidSettings.class,
                () -> AlertRules.parse("trafficBreach:\n  enabled: true\n  severiti: low\n", "test"));
        assertTrue(wrong.getMessage().contains("trafficBreach.severiti"), wrong.getMessage());
        InvalidSettings level = assertThrows(InvalidSettings.class,
                () -> AlertRules.parse("trafficBreach:\n  severity: urgent\n", "test"));
        assertTrue(level.getMessage().contains("trafficBreach.severity"), level.getMessage());
    }

    @Test
    void aBreachOpensUpdatesAPassResolvesAndTheNextBreachReopens() {
        UUID run1 = UUID.randomUUID();
        AlertEvent opened = engine.evaluateTraffic("h11-to-h13", SLOW, T0, run1, null).orElseThrow();
        assertEquals(AlertEvent.Type.OPENED, opened.type());
        Alert alert = opened.alert();
        assertEquals(AlertKey.traffic("h11-to-h13"), alert.key());
        assertEquals("traffic", alert.key().thing());
        assertEquals(AlertEngine.TRAFFIC_RULE, alert.rule());
        assertEquals(Severity.CRITICAL, alert.severity());
        assertEquals(AlertStatus.OPEN, alert.status());
        assertEquals("traffic test h11-to-h13 under its thresholds: " + SLOW.get(0), alert.message());
        assertEquals(run1, opened.scanId());

        Alert stored = alert.withId(7);
        AlertEvent again = engine.evaluateTraffic("h11-to-h13", List.of("lost 3 % > maxLoss 1 %"), T0.plusSeconds(60),
                UUID.randomUUID(), stored).orElseThrow();
        assertEquals(AlertEvent.Type.UPDATED, again.type());
        assertEquals(2, again.alert().occurrences());
        assertEquals(T0, again.alert().openedAt());

        AlertEvent resolved = engine.evaluateTraffic("h11-to-h13", List.of(), T0.plusSeconds(120), UUID.randomUUID(),
                again.alert()).orElseThrow();
        assertEquals(AlertEvent.Type.AUTO_RESOLVED, resolved.type());
        assertEquals(AlertStatus.RESOLVED, resolved.alert().status());
        assertEquals(Alert.Resolution.AUTO, resolved.alert().resolution());
        assertNull(resolved.alert().resolvedBy());

        assertTrue(engine.evaluateTraffic("h11-to-h13", List.of(), T0.plusSeconds(180), null, resolved.alert()).isEmpty(),
                "a pass with nothing active changes nothing");
        AlertEvent reopened = engine.evaluateTraffic("h11-to-h13", SLOW, T0.plusSeconds(240), null, resolved.alert()).orElseThrow();
        assertEquals(AlertEvent.Type.REOPENED, reopened.type());
        assertEquals(2, reopened.alert().timesOpened());
        assertEquals(7L, reopened.alert().id());
    }

    @Test
    void aPassWithoutAnAlertAndABreachWithTheRuleOffRaiseNothing() {
        assertTrue(engine.evaluateTraffic("h11-to-h13", List.of(), T0, null, null).isEmpty());
        AlertEngine off = new AlertEngine(AlertRules.none());
        assertTrue(off.evaluateTraffic("h11-to-h13", SLOW, T0, null, null).isEmpty());
    }

    @Test
    void aTrafficKeyHasNoSubnetAndASubnetKeyNoPair() {
        assertThrows(IllegalArgumentException.class, () -> AlertKey.traffic("no spaces"));
        assertThrows(IllegalArgumentException.class, () -> new AlertKey(new SubnetKey("site", 1), AlertKind.TRAFFIC,
                null, null, -1, "h11-to-h13"));
        assertThrows(IllegalArgumentException.class, () -> new AlertKey(new SubnetKey("site", 1), AlertKind.PORT,
                HostAddress.parse("192.0.2.1"), "tcp", 23, "h11-to-h13"));
        Alert other = Alert.opened(AlertKey.traffic("other"), "x", Severity.LOW, "m", T0).withId(1);
        assertThrows(IllegalArgumentException.class, () -> engine.evaluateTraffic("h11-to-h13", SLOW, T0, null, other));
    }
}
