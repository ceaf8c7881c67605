package dev.scanflow.server.alert;

import dev.scanflow.report.ScannedPort.Service;
import dev.scanflow.server.alert.Alert.Resolution;
import dev.scanflow.server.alert.AlertRules.PortVerdict;
import dev.scanflow.server.delta.Change;
import dev.scanflow.server.delta.DeltaResult;
import dev.scanflow.server.delta.ServiceField;
import dev.scanflow.server.delta.SubnetKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Turns the changes of one observation into alert events, given the rules and the alerts that exist for
 * the things those changes concern. A plain bean: the history loads the alerts, calls {@link #evaluate} and
 * stores the result in the same transaction as the changes.
 *
 * <ul>
 *   <li>A port a rule flags that opens raises a {@link AlertKind#PORT} alert; if one exists resolved, it
 *       reopens; if one is open or acknowledged, nothing more happens (one alert per thing).</li>
 *   <li>A port seen closed resolves its open or acknowledged PORT alert, and only the one of the same
 *       (site, subnet, address, port): the key says so. Nothing else resolves itself.</li>
 *   <li>New host, MAC change and service change alerts open, update (again while active) or reopen
 *       (again once resolved).</li>
 *   <li>A traffic test run that crosses a threshold opens, updates or reopens its test's TRAFFIC alert; a run
 *       that passes resolves it ({@link #evaluateTraffic}).</li>
 *   <li>A person acknowledges (open only) or resolves (open or acknowledged).</li>
 * </ul>
 * Events are timed at the observation's scan start, the time its changes are logged at.
 */
public final class AlertEngine {

    private final AlertRules rules;

    public AlertEngine(AlertRules rules) {
        this.rules = Objects.requireNonNull(rules, "rules");
    }

    public AlertRules rules() {
        return rules;
    }

    /** The keys whose existing alerts {@link #evaluate} must be given (those that exist, in any status). */
    public Set<AlertKey> keysConcerned(DeltaResult result) {
        Set<AlertKey> keys = new LinkedHashSet<>();
        SubnetKey subnet = result.key();
        for (Change change : result.changes()) {
            candidate(subnet, change, result.isBaseline()).ifPresent(candidate -> keys.add(candidate.key()));
            if (change instanceof Change.PortClosed closed) {
                keys.add(AlertKey.port(subnet, AlertKind.PORT, closed.address(), closed.protocol(), closed.port()));
            }
        }
        return keys;
    }

    /**
     * The alert events of one observation.
     *
     * @param existing the stored alerts for (at least) {@link #keysConcerned}; keys absent have no alert yet
     */
    public List<AlertEvent> evaluate(DeltaResult result, Map<AlertKey, Alert> existing) {
        Map<AlertKey, Alert> current = new HashMap<>(existing);
        List<AlertEvent> events = new ArrayList<>();
        SubnetKey subnet = result.key();
        Instant at = result.observation().scanStart();
        UUID scanId = result.observation().scanId();
        for (Change change : result.changes()) {
            if (change instanceof Change.PortClosed closed) {
                AlertKey key = AlertKey.port(subnet, AlertKind.PORT, closed.address(), closed.protocol(), closed.port());
                Alert alert = current.get(key);
                if (alert != null && alert.status().isActive()) {
                    Alert resolved = alert.resolved(Resolution.AUTO, null, at);
                    current.put(key, resolved);
                    events.add(new AlertEvent(AlertEvent.Type.AUTO_RESOLVED, resolved, at, null,
                            closed.protocol() + "/" + closed.port() + " seen closed (" + closed.closedBy().name().toLowerCase()
                                    .replace('_', ' ') + ")", scanId));
                }
                continue;
            }
            Optional<Candidate> candidate = candidate(subnet, change, result.isBaseline());
            if (candidate.isEmpty()) {
                continue;
            }
            Candidate raise = candidate.get();
            Alert alert = current.get(raise.key());
            AlertEvent event;
            if (alert == null) {
                event = new AlertEvent(AlertEvent.Type.OPENED, Alert.opened(raise.key(), raise.rule(), raise.severity(),
                        raise.message(), at), at, null, null, scanId);
            } else if (!alert.status().isActive()) {
                event = new AlertEvent(AlertEvent.Type.REOPENED, alert.reopened(raise.rule(), raise.severity(),
                        raise.message(), at), at, null, null, scanId);
            } else if (raise.key().kind() == AlertKind.PORT) {
                // still the same exposure, already on someone's list
                continue;
            } else {
                event = new AlertEvent(AlertEvent.Type.UPDATED, alert.recurred(raise.message(), at), at, null, null, scanId);
            }
            current.put(raise.key(), event.alert());
            events.add(event);
        }
        return events;
    }

    /**
     * The alert event of one measured traffic test run (config/alert-rules.yaml trafficBreach): a breach opens
     * the test's alert, updates it while it is active, reopens it once resolved; a run within its thresholds
     * resolves an active one. A run that measured nothing is not given here: it says nothing about the link.
     *
     * @param pair     the test's name
     * @param breaches the thresholds crossed, in words; empty when the run passed
     * @param at       when the run finished
     * @param testId   the run, recorded with the event (alert_events.scan_id)
     * @param existing the test's stored alert, or null
     */
    public Optional<AlertEvent> evaluateTraffic(String pair, List<String> breaches, Instant at, UUID testId, Alert existing) {
        AlertKey key = AlertKey.traffic(pair);
        if (existing != null && !existing.key().equals(key)) {
            throw new IllegalArgumentException("alert " + existing.id() + " is not the alert of traffic test " + pair);
        }
        if (breaches.isEmpty()) {
            if (existing == null || !existing.status().isActive()) {
                return Optional.empty();
            }
            return Optional.of(new AlertEvent(AlertEvent.Type.AUTO_RESOLVED, existing.resolved(Resolution.AUTO, null, at), at,
                    null, "traffic test " + pair + " passed: within its thresholds again", testId));
        }
        AlertRules.TrafficBreachRule rule = rules.trafficBreach();
        if (!rule.enabled()) {
            return Optional.empty();
        }
        String message = "traffic test " + pair + " under its thresholds: " + String.join("; ", breaches);
        if (existing == null) {
            return Optional.of(new AlertEvent(AlertEvent.Type.OPENED, Alert.opened(key, TRAFFIC_RULE, rule.severity(), message, at),
                    at, null, null, testId));
        }
        if (!existing.status().isActive()) {
            return Optional.of(new AlertEvent(AlertEvent.Type.REOPENED, existing.reopened(TRAFFIC_RULE, rule.severity(), message, at),
                    at, null, null, testId));
        }
        return Optional.of(new AlertEvent(AlertEvent.Type.UPDATED, existing.recurred(message, at), at, null, null, testId));
    }

    /** The rule name traffic alerts carry (alerts.rule_name). */
    public static final String TRAFFIC_RULE = "traffic breach";

    /** open → acknowledged. */
    public AlertEvent acknowledge(Alert alert, String actor, String note, Instant at) {
        if (alert.status() != AlertStatus.OPEN) {
            throw new AlertTransitionRefused("alert " + alert.id() + " is " + alert.status().label()
                    + ": only an open alert can be acknowledged");
        }
        return new AlertEvent(AlertEvent.Type.ACKNOWLEDGED, alert.acknowledged(actor(actor), at), at, actor(actor), note, null);
    }

    /** open or acknowledged → resolved, by a person. */
    public AlertEvent resolve(Alert alert, String actor, String note, Instant at) {
        if (!alert.status().isActive()) {
            throw new AlertTransitionRefused("alert " + alert.id() + " is already resolved");
        }
        return new AlertEvent(AlertEvent.Type.RESOLVED, alert.resolved(Resolution.MANUAL, actor(actor), at), at,
                actor(actor), note, null);
    }

    private static String actor(String actor) {
        if (actor == null || actor.isBlank() || actor.length() > 128) {
            throw new IllegalArgumentException("who acknowledges or resolves must be named (1 to 128 characters)");
        }
        return actor.strip();
    }

    /** An alert a change would raise under the rules. */
    private record Candidate(AlertKey key, String rule, Severity severity, String message) {
    }

    private Optional<Candidate> candidate(SubnetKey subnet, Change change, boolean baseline) {
        if (change instanceof Change.PortOpened opened) {
            Optional<PortVerdict> verdict = rules.judgePort(subnet.site(), opened.address(), opened.protocol(), opened.port());
            return verdict.map(v -> new Candidate(
                    AlertKey.port(subnet, AlertKind.PORT, opened.address(), opened.protocol(), opened.port()), v.rule(),
                    v.severity(), opened.protocol() + "/" + opened.port() + describe(opened.service()) + " open on "
                    + opened.address() + ": " + v.rule()));
        }
        if (change instanceof Change.HostUp up && !up.returned()) {
            AlertRules.NewHostRule rule = rules.newHost();
            if (!rule.enabled() || (baseline && rule.skipFirstScan()) || !rule.covers(up.address())) {
                return Optional.empty();
            }
            return Optional.of(new Candidate(AlertKey.host(subnet, AlertKind.NEW_HOST, up.address()), "new host",
                    rule.severity(), "new host " + up.address() + (up.mac() == null ? "" : " " + up.mac()
                    + (up.macVendor() == null ? "" : " (" + up.macVendor() + ")")) + (up.hostname() == null ? "" : " " + up.hostname())));
        }
        if (change instanceof Change.MacChanged mac) {
            if (!rules.macChange().enabled()) {
                return Optional.empty();
            }
            return Optional.of(new Candidate(AlertKey.host(subnet, AlertKind.MAC_CHANGE, mac.address()), "MAC change",
                    rules.macChange().severity(), mac.address() + " answered with MAC " + mac.after()
                    + (mac.afterVendor() == null ? "" : " (" + mac.afterVendor() + ")") + " instead of " + mac.before()));
        }
        if (change instanceof Change.ServiceChanged service) {
            AlertRules.ServiceChangeRule rule = rules.serviceChange();
            Set<ServiceField> watched = service.fields().stream().filter(rule.fields()::contains).collect(Collectors.toSet());
            if (!rule.enabled() || watched.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new Candidate(AlertKey.port(subnet, AlertKind.SERVICE_CHANGE, service.address(),
                    service.protocol(), service.port()), "service change", rule.severity(),
                    service.protocol() + "/" + service.port() + " on " + service.address() + " changed:" + describe(service.before())
                    + " →" + describe(service.after())));
        }
        return Optional.empty();
    }

    private static String describe(Service service) {
        if (service == null) {
            return "";
        }
        StringBuilder out = new StringBuilder();
        for (String part : new String[] {service.name(), service.product(), service.version(), service.tunnel()}) {
            if (part != null) {
                out.append(' ').append(part);
            }
        }
        return out.length() == 0 ? "" : " (" + out.substring(1) + ")";
    }
}
