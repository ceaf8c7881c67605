package dev.scanflow.server.fleet;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scanflow.server.api.ApiError;
import dev.scanflow.server.events.ScanflowEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The fleet: agents' heartbeats and the state the server sees each agent in. A heartbeat makes its agent
 * online; the sweep (routes/console-api.yaml, on a timer) makes quiet agents late, then offline. Every change of
 * state is an event ({@code kind: "fleet"}, type ONLINE/LATE/OFFLINE) and counts in scanflow_fleet_transitions_total.
 */
public class Fleet {

    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {
    };

    private final DataSource dataSource;
    private final String table;
    private final Duration interval;
    private final int missed;
    private final Clock clock;
    private final FleetTransitions metrics;
    private final ObjectMapper json;

    public Fleet(DataSource dataSource, String schema, Duration interval, int missed, Clock clock,
                 FleetTransitions metrics, ObjectMapper json) {
        this.dataSource = dataSource;
        this.table = ConsoleDb.table(schema, "fleet_agents");
        this.interval = interval;
        this.missed = missed;
        this.clock = clock;
        this.metrics = metrics;
        this.json = json;
    }

    /** The body of POST /api/v1/fleet/heartbeat, from the agent the token belongs to. */
    public Outcome heartbeat(String agentCode, String body) {
        Heartbeat heartbeat;
        try {
            heartbeat = body == null || body.isBlank() ? new Heartbeat(null, List.of(), List.of(), 0L, null, null, null)
                    : json.readValue(body, Heartbeat.class);
        } catch (JsonProcessingException e) {
            throw ApiError.badRequest("heartbeat: not the expected JSON: " + e.getOriginalMessage());
        }
        if (heartbeat.backlog() != null && heartbeat.backlog() < 0) {
            throw ApiError.badRequest("heartbeat: backlog must not be negative");
        }
        if (heartbeat.site() != null && !heartbeat.site().matches(Heartbeat.SITE)) {
            throw ApiError.badRequest("heartbeat: site must match " + Heartbeat.SITE + " (it ends a Kafka topic's name)");
        }
        Instant now = clock.instant();
        List<ScanflowEvent> events = new ArrayList<>();
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            AgentStatus before = null;
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT status FROM " + table + " WHERE agent_code = ? FOR UPDATE")) {
                select.setString(1, agentCode);
                try (ResultSet rows = select.executeQuery()) {
                    if (rows.next()) {
                        before = AgentStatus.valueOf(rows.getString(1).toUpperCase(java.util.Locale.ROOT));
                    }
                }
            }
            boolean changed = before != AgentStatus.ONLINE;
            try (PreparedStatement upsert = connection.prepareStatement("INSERT INTO " + table
                    + " (agent_code, version, profiles, subnets, backlog, last_delivery, last_error, last_heartbeat, status, status_since, site)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'online', ?, ?) ON DUPLICATE KEY UPDATE version = VALUES(version),"
                    + " site = VALUES(site),"
                    + " profiles = VALUES(profiles), subnets = VALUES(subnets), backlog = VALUES(backlog),"
                    + " last_delivery = VALUES(last_delivery), last_error = VALUES(last_error),"
                    + " last_heartbeat = VALUES(last_heartbeat), status = 'online',"
                    + " status_since = IF(status = 'online', status_since, VALUES(status_since))")) {
                upsert.setString(1, agentCode);
                upsert.setString(2, ConsoleDb.fit(heartbeat.version(), 64));
                upsert.setString(3, write(heartbeat.profiles()));
                upsert.setString(4, write(heartbeat.subnets()));
                upsert.setLong(5, heartbeat.backlog() == null ? 0 : heartbeat.backlog());
                ConsoleDb.setTime(upsert, 6, heartbeat.lastDelivery());
                upsert.setString(7, ConsoleDb.fit(heartbeat.lastError(), 1024));
                ConsoleDb.setTime(upsert, 8, now);
                ConsoleDb.setTime(upsert, 9, now);
                upsert.setString(10, heartbeat.site());
                upsert.executeUpdate();
            }
            connection.commit();
            if (changed) {
                metrics.changed(agentCode, AgentStatus.ONLINE);
                events.add(event(agentCode, AgentStatus.ONLINE, before, now));
            } else {
                metrics.seen(agentCode, AgentStatus.ONLINE);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("fleet: " + e.getMessage(), e);
        }
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("agent", agentCode);
        reply.put("status", "online");
        reply.put("heartbeatIntervalSeconds", interval.toSeconds());
        return Outcome.ok(reply, events);
    }

    /** Makes quiet agents late or offline; the events of those that changed. */
    public List<ScanflowEvent> sweep() {
        Instant now = clock.instant();
        List<ScanflowEvent> events = new ArrayList<>();
        for (FleetAgent agent : agents()) {
            AgentStatus was = AgentStatus.valueOf(agent.status().toUpperCase(java.util.Locale.ROOT));
            AgentStatus is = AgentStatus.after(Duration.between(agent.lastHeartbeat(), now), interval, missed);
            if (is == was || is == AgentStatus.ONLINE) {
                metrics.seen(agent.code(), was);
                continue;
            }
            try (Connection connection = dataSource.getConnection();
                 PreparedStatement update = connection.prepareStatement("UPDATE " + table
                         + " SET status = ?, status_since = ? WHERE agent_code = ? AND status = ? AND last_heartbeat = ?")) {
                update.setString(1, is.label());
                ConsoleDb.setTime(update, 2, now);
                update.setString(3, agent.code());
                update.setString(4, was.label());
                ConsoleDb.setTime(update, 5, agent.lastHeartbeat());
                // a heartbeat that came in meanwhile wins: nothing changes
                if (update.executeUpdate() == 1) {
                    metrics.changed(agent.code(), is);
                    events.add(event(agent.code(), is, was, now));
                }
            } catch (SQLException e) {
                throw new IllegalStateException("fleet: " + e.getMessage(), e);
            }
        }
        return events;
    }

    public List<FleetAgent> agents() {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT * FROM " + table + " ORDER BY agent_code")) {
            List<FleetAgent> agents = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    agents.add(new FleetAgent(rows.getString("agent_code"), rows.getString("status"),
                            ConsoleDb.time(rows, "status_since"), ConsoleDb.time(rows, "last_heartbeat"),
                            rows.getString("version"), read(rows.getString("profiles")), read(rows.getString("subnets")),
                            rows.getLong("backlog"), ConsoleDb.time(rows, "last_delivery"), rows.getString("last_error"),
                            rows.getString("site")));
                }
            }
            return agents;
        } catch (SQLException e) {
            throw new IllegalStateException("fleet: " + e.getMessage(), e);
        }
    }

    /** GET /api/v1/fleet */
    public Map<String, Object> list() {
        return Map.of("items", agents(), "heartbeatIntervalSeconds", interval.toSeconds(), "offlineAfterMissed", missed);
    }

    private ScanflowEvent event(String agent, AgentStatus to, AgentStatus from, Instant at) {
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("agent", agent);
        detail.put("status", to.label());
        detail.put("previous", from == null ? null : from.label());
        return new ScanflowEvent(UUID.randomUUID(), "fleet", to.name(), at, agent, 0, null, null, null, detail);
    }

    private String write(List<String> values) {
        try {
            return json.writeValueAsString(values == null ? List.of() : values);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private List<String> read(String text) {
        try {
            return text == null ? List.of() : json.readValue(text, STRINGS);
        } catch (JsonProcessingException e) {
            return List.of();
        }
    }
}
