package dev.scanflow.server.fleet;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scanflow.server.api.ApiError;
import dev.scanflow.server.api.QueryParameters;
import dev.scanflow.server.events.ScanflowEvent;
import dev.scanflow.server.intake.AgentTokens;
import dev.scanflow.server.intake.TokenFile;
import dev.scanflow.server.phpipam.PhpipamDirectory;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;
import org.apache.camel.Header;

/**
 * Enrolment of a new agent (db/scanflow V301): an operator makes a one-time enrolment token; the new agent
 * presents it once, with its phpIPAM agent code and a claim secret of its own, and is pending; an operator
 * approves (or rejects) it; only then can the agent, presenting its claim secret, collect its own agent token,
 * once. The token's hash goes to the tokens file the intake reads (as `bin/scanflow token issue` does); neither
 * the enrolment token nor the claim secret nor the agent token is stored, only their SHA-256.
 */
public class FleetEnrolment {

    private final DataSource dataSource;
    private final String tokens;
    private final String enrolments;
    private final TokenFile tokenFile;
    private final PhpipamDirectory directory;
    private final Duration tokenLife;
    private final Clock clock;
    private final ObjectMapper json;

    public FleetEnrolment(DataSource dataSource, String schema, TokenFile tokenFile, PhpipamDirectory directory,
                          Duration tokenLife, Clock clock, ObjectMapper json) {
        this.dataSource = dataSource;
        this.tokens = ConsoleDb.table(schema, "fleet_enrolment_tokens");
        this.enrolments = ConsoleDb.table(schema, "fleet_enrolments");
        this.tokenFile = tokenFile;
        this.directory = directory;
        this.tokenLife = tokenLife;
        this.clock = clock;
        this.json = json;
    }

    /** POST /api/v1/fleet/enrolment-tokens (operator): a one-time token, shown once. */
    public Outcome newToken() {
        String token = AgentTokens.newToken();
        Instant now = clock.instant();
        Instant expires = now.plus(tokenLife);
        update("INSERT INTO " + tokens + " (token_hash, created_at, expires_at) VALUES (?, ?, ?)", sha256(token), now, expires);
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("enrolmentToken", token);
        reply.put("expiresAt", expires);
        return new Outcome(201, reply, List.of());
    }

    /** POST /api/v1/fleet/enrol with "Authorization: Bearer <enrolment token>", {"code": "...", "claim": "..."}: 202 pending. */
    public Outcome enrol(@Header("Authorization") String authorization, String body) {
        String presented = bearer(authorization, "an enrolment token");
        Instant checked = clock.instant();
        if (count("SELECT COUNT(*) FROM " + tokens + " WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?",
                sha256(presented), checked) != 1) {
            throw new ApiError(401, "the enrolment token is unknown, used or expired");
        }
        JsonNode request = object(body);
        String code = text(request, "code", 64);
        String claim = text(request, "claim", 256);
        if (claim.length() < 16) {
            throw ApiError.badRequest("claim: a secret of at least 16 characters the agent keeps to collect its token");
        }
        if (directory.agentByCode(code).isEmpty()) {
            throw ApiError.badRequest("code: no phpIPAM scan agent has this code");
        }
        Instant now = clock.instant();
        // the token is spent by exactly one request, however many present it at once
        if (update("UPDATE " + tokens + " SET used_at = ? WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?",
                now, sha256(presented), now) != 1) {
            throw new ApiError(401, "the enrolment token is unknown, used or expired");
        }
        String id = UUID.randomUUID().toString();
        update("INSERT INTO " + enrolments + " (id, agent_code, claim_hash, status, requested_at) VALUES (?, ?, ?, 'pending', ?)",
                id, code, sha256(claim), now);
        Map<String, Object> reply = Map.of("enrolmentId", id, "status", "pending");
        return new Outcome(202, reply, List.of(event("ENROLMENT_PENDING", code, id)));
    }

    /** GET /api/v1/fleet/enrolments[?status=pending&limit=100] (operator): newest first. */
    public Map<String, Object> list(String query) {
        QueryParameters parameters = QueryParameters.parse(query, "status", "limit");
        String status = parameters.text("status");
        if (status != null && !Set.of("pending", "approved", "rejected", "collected").contains(status)) {
            throw ApiError.badRequest("status: one of pending, approved, rejected, collected");
        }
        List<Map<String, Object>> items = new ArrayList<>();
        String sql = "SELECT * FROM " + enrolments + (status == null ? "" : " WHERE status = ?") + " ORDER BY requested_at DESC, id LIMIT ?";
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(sql)) {
            int index = 1;
            if (status != null) {
                select.setString(index++, status);
            }
            select.setInt(index, parameters.limit());
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    Map<String, Object> item = new LinkedHashMap<>();
                    item.put("id", rows.getString("id"));
                    item.put("agent", rows.getString("agent_code"));
                    item.put("status", rows.getString("status"));
                    item.put("requestedAt", ConsoleDb.time(rows, "requested_at"));
                    item.put("decidedAt", ConsoleDb.time(rows, "decided_at"));
                    item.put("decidedBy", rows.getString("decided_by"));
                    items.add(item);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("enrolments: " + e.getMessage(), e);
        }
        return Map.of("items", items);
    }

    /** POST /api/v1/fleet/enrolments/{enrolmentId}/approve or /reject (operator), {"by": "who"} */
    public Outcome decide(String enrolmentId, String decision, String body) {
        String id = uuid(enrolmentId);
        JsonNode request = body == null || body.isBlank() ? json.createObjectNode() : object(body);
        String by = request.hasNonNull("by") ? text(request, "by", 128) : "operator";
        String status = "approve".equals(decision) ? "approved" : "rejected";
        String agent = agentOf(id);
        if (update("UPDATE " + enrolments + " SET status = ?, decided_at = ?, decided_by = ? WHERE id = ? AND status = 'pending'",
                status, clock.instant(), by, id) != 1) {
            throw new ApiError(409, "enrolment " + id + " is not pending");
        }
        return Outcome.ok(Map.of("id", id, "agent", agent, "status", status),
                List.of(event("ENROLMENT_" + status.toUpperCase(java.util.Locale.ROOT), agent, id)));
    }

    /**
     * POST /api/v1/fleet/enrolments/{enrolmentId}/collect with "Authorization: Bearer <claim secret>": 202 while
     * pending, 200 with the agent's own token once approved (once only), 403 when rejected, 410 once collected.
     */
    public Outcome collect(String enrolmentId, @Header("Authorization") String authorization) {
        String claim = bearer(authorization, "the claim secret");
        String id = uuid(enrolmentId);
        String status;
        String agent;
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT agent_code, status, claim_hash FROM " + enrolments + " WHERE id = ?")) {
            select.setString(1, id);
            try (ResultSet rows = select.executeQuery()) {
                if (!rows.next() || !MessageDigest.isEqual(rows.getString("claim_hash").getBytes(StandardCharsets.US_ASCII),
                        sha256(claim).getBytes(StandardCharsets.US_ASCII))) {
                    throw new ApiError(401, "unknown enrolment or wrong claim secret");
                }
                status = rows.getString("status");
                agent = rows.getString("agent_code");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("enrolments: " + e.getMessage(), e);
        }
        switch (status) {
            case "pending" -> {
                return new Outcome(202, Map.of("status", "pending"), List.of());
            }
            case "rejected" -> throw new ApiError(403, "the enrolment was rejected");
            case "collected" -> throw new ApiError(410, "the agent token was collected already");
            default -> {
            }
        }
        if (update("UPDATE " + enrolments + " SET status = 'collected' WHERE id = ? AND status = 'approved'", id) != 1) {
            throw new ApiError(410, "the agent token was collected already");
        }
        String token = tokenFile.issue(agent);
        return Outcome.ok(Map.of("agent", agent, "token", token), List.of(event("ENROLMENT_COLLECTED", agent, id)));
    }

    private String agentOf(String id) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT agent_code FROM " + enrolments + " WHERE id = ?")) {
            select.setString(1, id);
            try (ResultSet rows = select.executeQuery()) {
                if (!rows.next()) {
                    throw ApiError.notFound("no enrolment " + id);
                }
                return rows.getString(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("enrolments: " + e.getMessage(), e);
        }
    }

    private ScanflowEvent event(String type, String agent, String enrolmentId) {
        return new ScanflowEvent(UUID.randomUUID(), "fleet", type, clock.instant(), agent, 0, null, null, null,
                Map.of("agent", agent, "enrolmentId", enrolmentId));
    }

    private int update(String sql, Object... values) {
        return ConsoleDb.update(dataSource, "enrolments", sql, values);
    }

    private long count(String sql, Object... values) {
        return ConsoleDb.count(dataSource, "enrolments", sql, values);
    }

    private static String bearer(String authorization, String what) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7) || authorization.length() < 8) {
            throw new ApiError(401, "'Authorization: Bearer <" + what + ">' is required");
        }
        return authorization.substring(7).strip();
    }

    private JsonNode object(String body) {
        try {
            JsonNode node = body == null || body.isBlank() ? null : json.readTree(body);
            if (node == null || !node.isObject()) {
                throw ApiError.badRequest("body: a JSON object is required");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw ApiError.badRequest("body: not JSON: " + e.getOriginalMessage());
        }
    }

    private static String text(JsonNode request, String field, int max) {
        JsonNode value = request.get(field);
        if (value == null || !value.isTextual() || value.asText().isBlank() || value.asText().length() > max) {
            throw ApiError.badRequest(field + ": a string of 1 to " + max + " characters");
        }
        return value.asText().strip();
    }

    private static String uuid(String text) {
        try {
            return UUID.fromString(text).toString();
        } catch (IllegalArgumentException | NullPointerException e) {
            throw ApiError.badRequest("enrolmentId: a UUID, got " + text);
        }
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
