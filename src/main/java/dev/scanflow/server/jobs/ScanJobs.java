package dev.scanflow.server.jobs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scanflow.net.Cidr;
import dev.scanflow.server.api.ApiError;
import dev.scanflow.server.api.QueryParameters;
import dev.scanflow.server.events.ScanflowEvent;
import dev.scanflow.server.fleet.ConsoleDb;
import dev.scanflow.server.fleet.Outcome;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * Scans on demand (db/scanflow V302). An operator queues a job for a subnet; it goes to the agent that owns the
 * subnet in phpIPAM. The agent asks for work (NAT-friendly: the server never calls agents), claims a job with a
 * conditional UPDATE (exactly one claim wins, any other gets 409), reports progress, and ends it done, failed or
 * cancelled. A cancel of a running job is a request the agent sees in its next progress answer, and acts on by
 * killing its scanner. The sweep requeues or fails jobs that were not claimed or not finished in time.
 */
public class ScanJobs {

    public static final Set<String> PROFILES = Set.of("discovery", "ports", "services-nmap");
    private static final Pattern PORTS = Pattern.compile("\\d{1,5}(?:-\\d{1,5})?(?:,\\d{1,5}(?:-\\d{1,5})?){0,199}");
    private static final Set<String> ENDINGS = Set.of("done", "failed", "cancelled");

    /**
     * Told of every job that is queued, new or requeued, after its row is committed (ScanJobWork publishes it to
     * the owning agent's site work topic when Kafka is configured); it must not block.
     */
    @FunctionalInterface
    public interface Queued {
        Queued NONE = job -> {
        };

        void queued(ScanJob job);
    }

    /** scanflow.jobs.*: how long a job may wait and run, and what a timeout does. */
    public record Timeouts(Duration claim, Duration run, boolean requeue, int maxAttempts) {
    }

    private final DataSource dataSource;
    private final String table;
    private final Timeouts timeouts;
    private final Clock clock;
    private final ObjectMapper json;
    private final Queued queued;

    public ScanJobs(DataSource dataSource, String schema, Timeouts timeouts, Clock clock, ObjectMapper json, Queued queued) {
        this.dataSource = dataSource;
        this.table = ConsoleDb.table(schema, "scan_jobs");
        this.timeouts = timeouts;
        this.clock = clock;
        this.json = json;
        this.queued = queued;
    }

    /** POST /api/v1/scan-jobs {"subnet": "CIDR", "profile": "discovery", "ports": "22,80", "by": "who"}: 201. */
    public Outcome create(String body) {
        JsonNode request = object(body);
        String subnetText = text(request, "subnet", true);
        Cidr cidr;
        try {
            cidr = Cidr.parse(subnetText);
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("subnet: " + e.getMessage());
        }
        String profile = Optional.ofNullable(text(request, "profile", false)).orElse("discovery");
        if (!PROFILES.contains(profile)) {
            throw ApiError.badRequest("profile: one of " + new java.util.TreeSet<>(PROFILES) + ", got " + profile);
        }
        String ports = text(request, "ports", false);
        if (ports != null && (!"ports".equals(profile) && !"services-nmap".equals(profile))) {
            throw ApiError.badRequest("ports: only the ports and services-nmap profiles take ports");
        }
        if (ports != null && !PORTS.matcher(ports).matches()) {
            throw ApiError.badRequest("ports: a list like 22,80,8000-8100 (up to 200 items)");
        }
        String by = ConsoleDb.fit(Optional.ofNullable(text(request, "by", false)).orElse("operator"), 128);
        Owner owner = owner(cidr);
        Instant now = clock.instant();
        String id = UUID.randomUUID().toString();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement insert = connection.prepareStatement("INSERT INTO " + table
                     + " (id, agent_code, subnet_id, cidr, profile, ports, status, requested_by, created_at, queued_at, updated_at)"
                     + " VALUES (?, ?, ?, ?, ?, ?, 'queued', ?, ?, ?, ?)")) {
            insert.setString(1, id);
            insert.setString(2, owner.agentCode());
            insert.setLong(3, owner.subnetId());
            insert.setString(4, cidr.toString());
            insert.setString(5, profile);
            insert.setString(6, ports);
            insert.setString(7, by);
            ConsoleDb.setTime(insert, 8, now);
            ConsoleDb.setTime(insert, 9, now);
            ConsoleDb.setTime(insert, 10, now);
            insert.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("scan jobs: " + e.getMessage(), e);
        }
        ScanJob job = find(id).orElseThrow();
        // the INSERT is committed (auto-commit): the agent may claim the job as soon as it hears of it
        queued.queued(job);
        return new Outcome(201, job, List.of(event(job, "QUEUED")));
    }

    /** GET or POST /api/v1/scan-jobs: one path, two methods, one route. */
    public Object listOrCreate(String method, String query, String body) {
        return "POST".equals(method) ? create(body) : list(query);
    }

    /** GET /api/v1/scan-jobs[?status=queued&limit=100]: newest first. */
    public Map<String, Object> list(String query) {
        QueryParameters parameters = QueryParameters.parse(query, "status", "limit");
        String status = parameters.text("status");
        if (status != null && !Set.of("queued", "running", "done", "failed", "cancelled").contains(status)) {
            throw ApiError.badRequest("status: one of queued, running, done, failed, cancelled");
        }
        String sql = "SELECT * FROM " + table + (status == null ? "" : " WHERE status = ?") + " ORDER BY created_at DESC, id LIMIT ?";
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(sql)) {
            int index = 1;
            if (status != null) {
                select.setString(index++, status);
            }
            select.setInt(index, parameters.limit());
            return Map.of("items", read(select));
        } catch (SQLException e) {
            throw new IllegalStateException("scan jobs: " + e.getMessage(), e);
        }
    }

    /** GET /api/v1/scan-jobs/{jobId} */
    public ScanJob job(String jobId) {
        return find(uuid(jobId)).orElseThrow(() -> ApiError.notFound("no scan job " + jobId));
    }

    /** GET /api/v1/agent/scan-jobs/next: the agent's oldest queued job, or 204 when there is none. */
    public Outcome next(String agentCode) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT * FROM " + table
                     + " WHERE agent_code = ? AND status = 'queued' ORDER BY queued_at, id LIMIT 1")) {
            select.setString(1, agentCode);
            List<ScanJob> jobs = read(select);
            return jobs.isEmpty() ? new Outcome(204, null, List.of()) : Outcome.ok(jobs.get(0));
        } catch (SQLException e) {
            throw new IllegalStateException("scan jobs: " + e.getMessage(), e);
        }
    }

    /** POST /api/v1/agent/scan-jobs/{jobId}/claim: 200 for the one claim that wins, 409 for every other. */
    public Outcome claim(String agentCode, String jobId) {
        String id = uuid(jobId);
        ScanJob before = owned(agentCode, id);
        Instant now = clock.instant();
        int claimed = update("UPDATE " + table + " SET status = 'running', claimed_at = ?, updated_at = ?, progress = 0,"
                + " attempts = attempts + 1, message = NULL WHERE id = ? AND agent_code = ? AND status = 'queued'",
                now, now, id, agentCode);
        if (claimed != 1) {
            throw new ApiError(409, "scan job " + id + " is " + find(id).map(ScanJob::status).orElse(before.status())
                    + ", not queued: claimed already");
        }
        ScanJob job = find(id).orElseThrow();
        return Outcome.ok(job, List.of(event(job, "RUNNING")));
    }

    /**
     * POST /api/v1/agent/scan-jobs/{jobId}/progress {"percent": 42.5, "message": "..."}: the answer says whether
     * an operator asked for the job to be cancelled.
     */
    public Outcome progress(String agentCode, String jobId, String body) {
        String id = uuid(jobId);
        owned(agentCode, id);
        JsonNode request = object(body);
        JsonNode percentNode = request.get("percent");
        if (percentNode == null || !percentNode.isNumber() || percentNode.asDouble() < 0 || percentNode.asDouble() > 100) {
            throw ApiError.badRequest("percent: a number from 0 to 100");
        }
        BigDecimal percent = BigDecimal.valueOf(percentNode.asDouble()).setScale(2, RoundingMode.HALF_UP);
        String message = ConsoleDb.fit(text(request, "message", false), 1024);
        Instant now = clock.instant();
        int updated = update("UPDATE " + table + " SET progress = GREATEST(progress, ?), message = COALESCE(?, message),"
                + " updated_at = ? WHERE id = ? AND agent_code = ? AND status = 'running'", percent, message, now, id, agentCode);
        ScanJob job = find(id).orElseThrow();
        if (updated != 1) {
            throw new ApiError(409, "scan job " + id + " is " + job.status() + ", not running");
        }
        return Outcome.ok(Map.of("cancelRequested", job.cancelRequested(), "job", job), List.of(event(job, "PROGRESS")));
    }

    /** POST /api/v1/agent/scan-jobs/{jobId}/finish {"status": "done|failed|cancelled", "message": "...", "reportId": "..."} */
    public Outcome finish(String agentCode, String jobId, String body) {
        String id = uuid(jobId);
        owned(agentCode, id);
        JsonNode request = object(body);
        String status = text(request, "status", true);
        if (!ENDINGS.contains(status)) {
            throw ApiError.badRequest("status: done, failed or cancelled");
        }
        String reportId = text(request, "reportId", false);
        if (reportId != null) {
            reportId = uuid(reportId);
        }
        Instant now = clock.instant();
        int updated = update("UPDATE " + table + " SET status = ?, message = COALESCE(?, message), report_id = ?,"
                        + " progress = IF(? = 'done', 100, progress), updated_at = ?, finished_at = ?"
                        + " WHERE id = ? AND agent_code = ? AND status = 'running'",
                status, ConsoleDb.fit(text(request, "message", false), 1024), reportId, status, now, now, id, agentCode);
        ScanJob job = find(id).orElseThrow();
        if (updated != 1) {
            throw new ApiError(409, "scan job " + id + " is " + job.status() + ", not running");
        }
        return Outcome.ok(job, List.of(event(job, status.toUpperCase(Locale.ROOT))));
    }

    /** POST /api/v1/scan-jobs/{jobId}/cancel: a queued job ends at once, a running one when its agent has stopped the scanner. */
    public Outcome cancel(String jobId) {
        String id = uuid(jobId);
        ScanJob before = find(id).orElseThrow(() -> ApiError.notFound("no scan job " + id));
        Instant now = clock.instant();
        if (update("UPDATE " + table + " SET status = 'cancelled', cancel_requested = 1, updated_at = ?, finished_at = ?,"
                + " message = 'cancelled before an agent took it' WHERE id = ? AND status = 'queued'", now, now, id) == 1) {
            ScanJob job = find(id).orElseThrow();
            return Outcome.ok(job, List.of(event(job, "CANCELLED")));
        }
        if (update("UPDATE " + table + " SET cancel_requested = 1, updated_at = ? WHERE id = ? AND status = 'running'", now, id) == 1) {
            ScanJob job = find(id).orElseThrow();
            return new Outcome(202, job, List.of(event(job, "CANCEL_REQUESTED")));
        }
        throw new ApiError(409, "scan job " + id + " is " + find(id).map(ScanJob::status).orElse(before.status()) + " already");
    }

    /** Jobs not claimed within the claim timeout fail; running jobs past the run timeout are requeued or failed. */
    public List<ScanflowEvent> sweep() {
        Instant now = clock.instant();
        List<ScanflowEvent> events = new ArrayList<>();
        for (ScanJob job : stale("status = 'queued' AND queued_at < ?", now.minus(timeouts.claim()))) {
            if (update("UPDATE " + table + " SET status = 'failed', message = ?, updated_at = ?, finished_at = ?"
                    + " WHERE id = ? AND status = 'queued'", "no agent claimed it within " + timeouts.claim().toSeconds() + " s",
                    now, now, job.id()) == 1) {
                events.add(event(find(job.id()).orElseThrow(), "FAILED"));
            }
        }
        for (ScanJob job : stale("status = 'running' AND claimed_at < ?", now.minus(timeouts.run()))) {
            boolean requeue = timeouts.requeue() && job.attempts() < timeouts.maxAttempts() && !job.cancelRequested();
            int changed = requeue
                    ? update("UPDATE " + table + " SET status = 'queued', queued_at = ?, claimed_at = NULL, progress = 0, updated_at = ?,"
                            + " message = ? WHERE id = ? AND status = 'running' AND claimed_at = ?", now, now,
                    "requeued: not finished within " + timeouts.run().toSeconds() + " s (attempt " + job.attempts() + ")",
                    job.id(), job.claimedAt())
                    : update("UPDATE " + table + " SET status = 'failed', updated_at = ?, finished_at = ?, message = ?"
                            + " WHERE id = ? AND status = 'running' AND claimed_at = ?", now, now,
                    "not finished within " + timeouts.run().toSeconds() + " s after " + job.attempts() + " attempt(s)",
                    job.id(), job.claimedAt());
            if (changed == 1) {
                ScanJob after = find(job.id()).orElseThrow();
                if (requeue) {
                    queued.queued(after);
                }
                events.add(event(after, requeue ? "REQUEUED" : "FAILED"));
            }
        }
        return events;
    }

    private record Owner(String agentCode, long subnetId) {
    }

    private Owner owner(Cidr cidr) {
        String sql = "SELECT s.id, a.code FROM subnets s JOIN scanAgents a ON a.id = s.scanAgent"
                + " WHERE s.subnet = ? AND s.mask = ? ORDER BY s.id";
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(sql)) {
            select.setString(1, cidr.network().decimal());
            select.setString(2, Integer.toString(cidr.prefix()));
            List<Owner> owners = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    owners.add(new Owner(rows.getString(2), rows.getLong(1)));
                }
            }
            if (owners.isEmpty()) {
                throw ApiError.notFound("no scan agent owns " + cidr + " in phpIPAM");
            }
            if (owners.size() > 1) {
                throw new ApiError(409, cidr + " is in phpIPAM " + owners.size() + " times (several sections): not queued");
            }
            return owners.get(0);
        } catch (SQLException e) {
            throw new IllegalStateException("phpIPAM subnets: " + e.getMessage(), e);
        }
    }

    private ScanJob owned(String agentCode, String id) {
        ScanJob job = find(id).orElseThrow(() -> ApiError.notFound("no scan job " + id));
        if (!job.agent().equals(agentCode)) {
            // another site's job does not exist for this agent
            throw ApiError.notFound("no scan job " + id);
        }
        return job;
    }

    private List<ScanJob> stale(String condition, Instant before) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT * FROM " + table + " WHERE " + condition)) {
            ConsoleDb.setTime(select, 1, before);
            return read(select);
        } catch (SQLException e) {
            throw new IllegalStateException("scan jobs: " + e.getMessage(), e);
        }
    }

    public Optional<ScanJob> find(String id) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT * FROM " + table + " WHERE id = ?")) {
            select.setString(1, id);
            List<ScanJob> jobs = read(select);
            return jobs.stream().findFirst();
        } catch (SQLException e) {
            throw new IllegalStateException("scan jobs: " + e.getMessage(), e);
        }
    }

    private int update(String sql, Object... values) {
        return ConsoleDb.update(dataSource, "scan jobs", sql, values);
    }

    private static List<ScanJob> read(PreparedStatement select) throws SQLException {
        List<ScanJob> jobs = new ArrayList<>();
        try (ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                jobs.add(new ScanJob(rows.getString("id"), rows.getString("agent_code"), rows.getLong("subnet_id"),
                        rows.getString("cidr"), rows.getString("profile"), rows.getString("ports"), rows.getString("status"),
                        rows.getBoolean("cancel_requested"), rows.getBigDecimal("progress"), rows.getString("message"),
                        rows.getString("report_id"), rows.getInt("attempts"), rows.getString("requested_by"),
                        ConsoleDb.time(rows, "created_at"), ConsoleDb.time(rows, "claimed_at"),
                        ConsoleDb.time(rows, "updated_at"), ConsoleDb.time(rows, "finished_at")));
            }
        }
        return jobs;
    }

    private ScanflowEvent event(ScanJob job, String type) {
        return new ScanflowEvent(UUID.randomUUID(), "job", type, clock.instant(), job.agent(), job.subnetId(), job.subnet(),
                null, null, job);
    }

    private JsonNode object(String body) {
        JsonNode node;
        try {
            node = body == null || body.isBlank() ? null : json.readTree(body);
        } catch (JsonProcessingException e) {
            throw ApiError.badRequest("body: not JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw ApiError.badRequest("body: a JSON object is required");
        }
        return node;
    }

    private static String text(JsonNode request, String field, boolean required) {
        JsonNode value = request.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                throw ApiError.badRequest(field + ": required");
            }
            return null;
        }
        if (!value.isTextual() || value.asText().isBlank()) {
            throw ApiError.badRequest(field + ": a non-empty string");
        }
        return value.asText().strip();
    }

    private static String uuid(String text) {
        try {
            return UUID.fromString(text).toString();
        } catch (IllegalArgumentException | NullPointerException e) {
            throw ApiError.badRequest("jobId: a UUID, got " + text);
        }
    }
}
