package dev.scanflow.server.monitoring;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ScanFlow's alerts to Alertmanager's v2 API (POST /api/v2/alerts), as Prometheus sends its own: every
 * resend interval, from committed rows of the alerts table (never from inside the apply transaction), each
 * active alert (open or acknowledged) with endsAt four resend intervals ahead, so that Alertmanager keeps it
 * firing while ScanFlow keeps sending and lets it expire if ScanFlow stops; each alert resolved within the last
 * four intervals with endsAt its resolution time, which resolves it there. An Alertmanager that fails is one
 * WARN line per attempt and gets everything again at the next tick: nothing queues up.
 *
 * <p>Labels (Alertmanager routes, groups, inhibits and silences by them; one alert row is one Alertmanager
 * alert): alertname (ScanflowPortOpen, ScanflowNewHost, ScanflowMacChanged, ScanflowServiceChanged), severity
 * (info, low, medium, high, critical), site, subnet, subnet_id, address, protocol and port (port alerts),
 * scanflow_alert_id. Annotations: summary (the alert's message), description (the rule), status, opened_at,
 * acknowledged_by. A reopened alert whose severity changed gets a new label set: the old one is resolved.
 */
public class AlertmanagerPush implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AlertmanagerPush.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int BATCH = 1000;
    private static final DateTimeFormatter RFC3339 = DateTimeFormatter.ISO_INSTANT;

    private final DataSource dataSource;
    private final String schema;
    private final MonitoringSettings settings;
    private final Clock clock;
    private final HttpClient http;
    /** The label set last sent per alert id, to resolve the old one when a reopening changes it. */
    private final Map<Long, Map<String, String>> lastLabels = new HashMap<>();
    private final Map<URI, Boolean> failing = new HashMap<>();
    /** Pushes asked for by events, one at a time; a request while one waits is already covered by it. */
    private final java.util.concurrent.ExecutorService early = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "alertmanager-push");
        thread.setDaemon(true);
        return thread;
    });
    private final java.util.concurrent.atomic.AtomicBoolean earlyQueued = new java.util.concurrent.atomic.AtomicBoolean();

    public AlertmanagerPush(DataSource dataSource, String schema, MonitoringSettings settings, Clock clock) {
        if (!schema.matches("[A-Za-z0-9_]{1,64}")) {
            throw new IllegalArgumentException("schema name: " + schema);
        }
        this.dataSource = dataSource;
        this.schema = "`" + schema + "`";
        this.settings = settings;
        this.clock = clock;
        this.http = HttpClient.newBuilder().connectTimeout(settings.timeout()).build();
    }

    /** The timer's call (routes/monitoring.yaml); nothing when no Alertmanager is configured. */
    public synchronized void push() {
        if (!settings.alertmanagerEnabled()) {
            return;
        }
        List<ObjectNode> alerts;
        try {
            alerts = alerts(clock.instant());
        } catch (SQLException | RuntimeException e) {
            LOG.warn("alerts not sent to Alertmanager: ScanFlow's alerts could not be read: {}", e.getMessage());
            return;
        }
        for (URI alertmanager : settings.alertmanagers()) {
            send(alertmanager, alerts);
        }
    }

    /**
     * An event as the publishing route sends it to every endpoint (routes/event-publishing.yaml): after an
     * alert event (opened, resolved, ...) the alerts are pushed at once rather than at the next tick. Events
     * arrive after their commit, so the push reads what they describe. Cheap: many events, one push.
     */
    public void nudge(String event) {
        if (!settings.alertmanagerEnabled() || event == null || !event.contains("\"kind\":\"alert\"")) {
            return;
        }
        if (earlyQueued.compareAndSet(false, true)) {
            try {
                early.execute(() -> {
                    earlyQueued.set(false);
                    push();
                });
            } catch (java.util.concurrent.RejectedExecutionException stopping) {
                earlyQueued.set(false);
            }
        }
    }

    @Override
    public void close() {
        early.shutdownNow();
    }

    private void send(URI alertmanager, List<ObjectNode> alerts) {
        URI endpoint = URI.create(alertmanager + "/api/v2/alerts");
        for (int from = 0; from < alerts.size(); from += BATCH) {
            ArrayNode batch = JSON.createArrayNode();
            alerts.subList(from, Math.min(alerts.size(), from + BATCH)).forEach(batch::add);
            String failure;
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(endpoint).timeout(settings.timeout())
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(batch))).build(),
                        HttpResponse.BodyHandlers.ofString());
                failure = response.statusCode() / 100 == 2 ? null
                        : "HTTP " + response.statusCode() + " " + oneLine(response.body());
            } catch (IOException e) {
                failure = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (failure != null) {
                failing.put(alertmanager, true);
                LOG.warn("Alertmanager {}: {} alerts not accepted ({}); sent again in {} s", alertmanager, batch.size(),
                        failure, settings.resendInterval().toSeconds());
                return;
            }
        }
        if (Boolean.TRUE.equals(failing.put(alertmanager, false))) {
            LOG.info("Alertmanager {} accepts alerts again ({} sent)", alertmanager, alerts.size());
        }
    }

    private static String oneLine(String body) {
        String line = body == null ? "" : body.replaceAll("\\s+", " ").strip();
        return line.length() > 200 ? line.substring(0, 200) + "…" : line;
    }

    /** The alerts to send now, in Alertmanager's postableAlert shape. */
    List<ObjectNode> alerts(Instant now) throws SQLException {
        Duration hold = settings.resendInterval().multipliedBy(4);
        List<ObjectNode> out = new ArrayList<>();
        java.util.Set<Long> seen = new java.util.HashSet<>();
        String sql = "SELECT a.id, a.kind, a.ip, a.protocol, a.port, a.rule_name, a.severity, a.status, a.message,"
                + " a.opened_at, a.acknowledged_by, a.resolved_at, t.site, t.subnet_id, t.cidr FROM " + schema + ".alerts a"
                + " JOIN " + schema + ".tracked_subnets t ON t.id = a.subnet_ref"
                + " WHERE a.status IN ('open', 'acknowledged') OR (a.status = 'resolved' AND a.resolved_at >= ?)"
                + " ORDER BY a.id";
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setObject(1, LocalDateTime.ofInstant(now.minus(hold), ZoneOffset.UTC));
            try (ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    long id = row.getLong("id");
                    String kind = row.getString("kind");
                    Map<String, String> labels = new LinkedHashMap<>();
                    labels.put("alertname", alertName(kind));
                    labels.put("severity", row.getString("severity"));
                    labels.put("site", row.getString("site"));
                    labels.put("subnet", row.getString("cidr"));
                    labels.put("subnet_id", Long.toString(row.getLong("subnet_id")));
                    labels.put("address", row.getString("ip"));
                    if (row.getString("protocol") != null) {
                        labels.put("protocol", row.getString("protocol"));
                        labels.put("port", Integer.toString(row.getInt("port")));
                    }
                    labels.put("scanflow_alert_id", Long.toString(id));
                    boolean resolved = "resolved".equals(row.getString("status"));
                    Instant startsAt = instant(row, "opened_at");
                    Instant endsAt = resolved ? instant(row, "resolved_at") : now.plus(hold);
                    Map<String, String> annotations = new LinkedHashMap<>();
                    annotations.put("summary", row.getString("message"));
                    annotations.put("description", "ScanFlow rule: " + row.getString("rule_name"));
                    annotations.put("status", row.getString("status"));
                    annotations.put("opened_at", RFC3339.format(startsAt));
                    if (row.getString("acknowledged_by") != null) {
                        annotations.put("acknowledged_by", row.getString("acknowledged_by"));
                    }
                    Map<String, String> before = lastLabels.put(id, labels);
                    if (before != null && !before.equals(labels)) {
                        // the same ScanFlow alert under another label set (its severity changed on reopening)
                        out.add(postable(id, before, Map.of("summary", "superseded by a new label set"), startsAt, now));
                    }
                    seen.add(id);
                    out.add(postable(id, labels, annotations, startsAt, endsAt));
                }
            }
        }
        // alerts resolved longer ago than the window are no longer sent: their labels need no remembering
        lastLabels.keySet().retainAll(seen);
        return out;
    }

    private ObjectNode postable(long id, Map<String, String> labels, Map<String, String> annotations, Instant startsAt,
                                Instant endsAt) {
        ObjectNode alert = JSON.createObjectNode();
        ObjectNode labelNode = alert.putObject("labels");
        labels.forEach(labelNode::put);
        ObjectNode annotationNode = alert.putObject("annotations");
        annotations.forEach(annotationNode::put);
        alert.put("startsAt", RFC3339.format(startsAt));
        alert.put("endsAt", RFC3339.format(endsAt.isBefore(startsAt) ? startsAt : endsAt));
        if (settings.externalUrl() != null) {
            alert.put("generatorURL", settings.externalUrl() + "/api/v1/alerts/" + id);
        }
        return alert;
    }

    static String alertName(String kind) {
        return switch (kind.toLowerCase(Locale.ROOT)) {
            case "port" -> "ScanflowPortOpen";
            case "new-host" -> "ScanflowNewHost";
            case "mac-change" -> "ScanflowMacChanged";
            case "service-change" -> "ScanflowServiceChanged";
            default -> "Scanflow" + kind;
        };
    }

    private static Instant instant(ResultSet row, String column) throws SQLException {
        return row.getObject(column, LocalDateTime.class).toInstant(ZoneOffset.UTC);
    }
}
