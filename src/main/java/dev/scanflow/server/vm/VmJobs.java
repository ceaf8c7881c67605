package dev.scanflow.server.vm;

import dev.scanflow.server.api.ApiError;
import dev.scanflow.server.phpipam.Vlan;
import dev.scanflow.server.store.Transaction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The durable state of VM jobs (ScanFlow's vm_jobs and vm_job_steps) and the phpIPAM writes that go with
 * them in the same transaction: a job exists exactly when its address is reserved.
 */
public class VmJobs {

    /** A job and whether this request created it (false: an Idempotency-Key retry found it). */
    public record Created(VmJob job, boolean created) {
    }

    private static final int DB_TIMEOUT_SECONDS = 30;

    private final DataSource dataSource;
    private final String jobs;
    private final String steps;
    private final Clock clock;

    public VmJobs(DataSource dataSource, String scanflowSchema, Clock clock) {
        this.dataSource = dataSource;
        this.jobs = "`" + scanflowSchema + "`.vm_jobs";
        this.steps = "`" + scanflowSchema + "`.vm_job_steps";
        this.clock = clock;
    }

    /** Reserves the address and records the job, in one transaction; a retry with the same key gets the same job. */
    public Created create(VmRequest request, String idempotencyKey) throws SQLException {
        if (idempotencyKey != null && (idempotencyKey.isBlank() || idempotencyKey.length() > 200
                || !idempotencyKey.matches("[\\x21-\\x7e]+"))) {
            throw ApiError.badRequest("Idempotency-Key must be 1 to 200 printable ASCII characters without spaces");
        }
        String hash = sha256(request.json());
        if (idempotencyKey != null) {
            VmJob earlier = byKey(idempotencyKey, hash);
            if (earlier != null) {
                return new Created(earlier, false);
            }
        }
        String jobId = UUID.randomUUID().toString();
        try {
            Transaction.run(dataSource, connection -> {
                String marker = "ScanFlow VM job " + jobId;
                AddressReservations.Reservation reservation = AddressReservations.reserve(connection, request.subnet(),
                        request.name(), "Reserved for VM " + request.name() + " on " + request.node() + " by " + marker);
                Instant now = clock.instant();
                try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + jobs
                        + " (job_id, idempotency_key, request_hash, request, status, subnet_id, subnet_cidr, address, gateway,"
                        + " address_row_id, heartbeat_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                    insert.setQueryTimeout(DB_TIMEOUT_SECONDS);
                    insert.setString(1, jobId);
                    insert.setString(2, idempotencyKey);
                    insert.setString(3, hash);
                    insert.setString(4, request.json());
                    insert.setString(5, VmJob.RUNNING);
                    insert.setLong(6, reservation.subnetId());
                    insert.setString(7, reservation.cidr());
                    insert.setString(8, reservation.address());
                    insert.setString(9, reservation.gateway());
                    insert.setLong(10, reservation.rowId());
                    insert.setObject(11, utc(now));
                    insert.setObject(12, utc(now));
                    insert.executeUpdate();
                }
                insertStep(connection, jobId, 1, "reserve", "do", now, now, "ok",
                        reservation.address() + " in " + reservation.cidr() + " (phpIPAM address id " + reservation.rowId() + ")");
                return reservation;
            }, ignored -> true);
        } catch (SQLIntegrityConstraintViolationException e) {
            if (idempotencyKey != null) {
                // a concurrent request with the same key won; its transaction holds the one reservation
                VmJob earlier = byKey(idempotencyKey, hash);
                if (earlier != null) {
                    return new Created(earlier, false);
                }
            }
            throw e;
        }
        return new Created(load(jobId), true);
    }

    private VmJob byKey(String key, String hash) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement find = connection.prepareStatement("SELECT job_id, request_hash FROM " + jobs + " WHERE idempotency_key = ?")) {
            find.setQueryTimeout(DB_TIMEOUT_SECONDS);
            find.setString(1, key);
            try (ResultSet row = find.executeQuery()) {
                if (!row.next()) {
                    return null;
                }
                if (!row.getString("request_hash").equals(hash)) {
                    throw new ApiError(422, "this Idempotency-Key was used for a different request (job " + row.getString("job_id") + ")");
                }
                return load(row.getString("job_id"));
            }
        }
    }

    /** phpIPAM's VLAN of the subnet now, or null when it has none. */
    public Vlan subnetVlan(long subnetId) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement find = connection.prepareStatement("SELECT v.number, v.name FROM subnets s"
                     + Vlan.join("s", "v") + " WHERE s.id = ?")) {
            find.setQueryTimeout(DB_TIMEOUT_SECONDS);
            find.setLong(1, subnetId);
            try (ResultSet row = find.executeQuery()) {
                return row.next() ? Vlan.read(row, 1, 2) : null;
            }
        }
    }

    public VmJob load(String jobId) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement find = connection.prepareStatement("SELECT * FROM " + jobs + " WHERE job_id = ?")) {
            find.setQueryTimeout(DB_TIMEOUT_SECONDS);
            find.setString(1, jobId);
            try (ResultSet row = find.executeQuery()) {
                if (!row.next()) {
                    throw ApiError.notFound("no VM job " + jobId);
                }
                return new VmJob(row.getString("job_id"), VmRequest.fromJson(row.getString("request")), row.getString("status"),
                        row.getLong("subnet_id"), row.getString("subnet_cidr"), row.getString("address"), row.getString("gateway"),
                        (Long) row.getObject("address_row_id", Long.class), (Integer) row.getObject("vmid", Integer.class),
                        row.getBoolean("clone_requested"), row.getString("current_task"), row.getString("failed_step"),
                        row.getString("error"), instant(row, "created_at"), instant(row, "finished_at"));
            }
        }
    }

    public VmJobView view(String jobId) throws SQLException {
        VmJob job = load(jobId);
        List<VmJobView.Step> list = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement find = connection.prepareStatement("SELECT * FROM " + steps + " WHERE job_id = ? ORDER BY seq")) {
            find.setQueryTimeout(DB_TIMEOUT_SECONDS);
            find.setString(1, jobId);
            try (ResultSet row = find.executeQuery()) {
                while (row.next()) {
                    list.add(new VmJobView.Step(row.getInt("seq"), row.getString("step"), row.getString("phase"),
                            instant(row, "started_at"), instant(row, "ended_at"), row.getString("outcome"), row.getString("detail")));
                }
            }
        }
        return new VmJobView(job.jobId(), job.status(), job.request().name(), job.request().node(), job.vmid(), job.subnetId(),
                job.subnetCidr(), job.address(), job.gateway(), job.failedStep(), job.error(), job.createdAt(), job.finishedAt(),
                list);
    }

    /** Records that a step began (and that this server is alive on the job); returns the step's number. */
    public int stepStarted(String jobId, String step, String phase) throws SQLException {
        return Transaction.run(dataSource, connection -> {
            int seq;
            try (PreparedStatement next = connection.prepareStatement(
                    "SELECT COALESCE(MAX(seq), 0) + 1 FROM " + steps + " WHERE job_id = ? FOR UPDATE")) {
                next.setQueryTimeout(DB_TIMEOUT_SECONDS);
                next.setString(1, jobId);
                try (ResultSet row = next.executeQuery()) {
                    row.next();
                    seq = row.getInt(1);
                }
            }
            insertStep(connection, jobId, seq, step, phase, clock.instant(), null, null, null);
            touch(connection, jobId);
            return seq;
        }, ignored -> true);
    }

    public void stepEnded(String jobId, int seq, String outcome, String detail) throws SQLException {
        Transaction.run(dataSource, connection -> {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE " + steps + " SET ended_at = ?, outcome = ?, detail = ? WHERE job_id = ? AND seq = ?")) {
                update.setQueryTimeout(DB_TIMEOUT_SECONDS);
                update.setObject(1, utc(clock.instant()));
                update.setString(2, outcome);
                update.setString(3, detail == null ? null : detail.length() > 4000 ? detail.substring(0, 4000) : detail);
                update.setString(4, jobId);
                update.setInt(5, seq);
                update.executeUpdate();
            }
            touch(connection, jobId);
            return null;
        }, ignored -> true);
    }

    public void setVmid(String jobId, int vmid) throws SQLException {
        update(jobId, "vmid = ?", vmid);
    }

    public void setCloneRequested(String jobId) throws SQLException {
        update(jobId, "clone_requested = ?", 1);
    }

    /** The UPID being awaited, or null once it has ended. */
    public void setCurrentTask(String jobId, String upid) throws SQLException {
        update(jobId, "current_task = ?", upid);
    }

    /** Whether the job still runs: a job another server has rolled back meanwhile is not worked on. */
    public boolean running(@org.apache.camel.ExchangeProperty("vmJobId") String jobId) throws SQLException {
        return VmJob.RUNNING.equals(load(jobId).status());
    }

    public void heartbeat(String jobId) throws SQLException {
        update(jobId, "job_id = job_id");
    }

    /** Marks the address Used and ends the job succeeded, in one transaction. */
    public void succeed(VmJob job, String note) throws SQLException {
        Transaction.run(dataSource, connection -> {
            if (!AddressReservations.markUsed(connection, job, note)) {
                throw new IllegalStateException("the phpIPAM row of " + job.address() + " is no longer this job's"
                        + " (removed or its note changed in phpIPAM): not marked Used");
            }
            finish(connection, job.jobId(), VmJob.SUCCEEDED, null, null);
            return null;
        }, ignored -> true);
    }

    /** Removes the job's address row; false if it was already gone or taken over in phpIPAM. */
    public boolean release(VmJob job) throws SQLException {
        return Transaction.run(dataSource, connection -> AddressReservations.release(connection, job), ignored -> true);
    }

    public void end(String jobId, String status, String failedStep, String error) throws SQLException {
        Transaction.run(dataSource, connection -> {
            finish(connection, jobId, status, failedStep, error);
            return null;
        }, ignored -> true);
    }

    /** Only the first failure is kept: later ones happen while undoing and are steps of their own. */
    public void failed(String jobId, String step, String error) throws SQLException {
        update(jobId, "failed_step = COALESCE(failed_step, ?), error = COALESCE(error, ?)", step,
                error == null ? "unknown error" : error.length() > 4000 ? error.substring(0, 4000) : error);
    }

    /**
     * Running jobs no server has touched for {@code lease}: each is claimed (its heartbeat renewed by this
     * server, at most one claimant wins) and returned for rollback.
     */
    public List<String> claimAbandoned(Duration lease) throws SQLException {
        List<String> candidates = new ArrayList<>();
        Instant before = clock.instant().minus(lease);
        try (Connection connection = dataSource.getConnection();
             PreparedStatement find = connection.prepareStatement(
                     "SELECT job_id FROM " + jobs + " WHERE status = ? AND heartbeat_at < ? ORDER BY created_at")) {
            find.setQueryTimeout(DB_TIMEOUT_SECONDS);
            find.setString(1, VmJob.RUNNING);
            find.setObject(2, utc(before));
            try (ResultSet rows = find.executeQuery()) {
                while (rows.next()) {
                    candidates.add(rows.getString(1));
                }
            }
        }
        List<String> claimed = new ArrayList<>();
        for (String jobId : candidates) {
            try (Connection connection = dataSource.getConnection();
                 PreparedStatement claim = connection.prepareStatement(
                         "UPDATE " + jobs + " SET heartbeat_at = ? WHERE job_id = ? AND status = ? AND heartbeat_at < ?")) {
                claim.setQueryTimeout(DB_TIMEOUT_SECONDS);
                claim.setObject(1, utc(clock.instant()));
                claim.setString(2, jobId);
                claim.setString(3, VmJob.RUNNING);
                claim.setObject(4, utc(before));
                if (claim.executeUpdate() == 1) {
                    claimed.add(jobId);
                }
            }
        }
        return claimed;
    }

    private void finish(Connection connection, String jobId, String status, String failedStep, String error) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("UPDATE " + jobs
                + " SET status = ?, failed_step = COALESCE(failed_step, ?), error = COALESCE(error, ?), current_task = NULL,"
                + " finished_at = ?, heartbeat_at = ? WHERE job_id = ?")) {
            update.setQueryTimeout(DB_TIMEOUT_SECONDS);
            Instant now = clock.instant();
            update.setString(1, status);
            update.setString(2, failedStep);
            update.setString(3, error);
            update.setObject(4, utc(now));
            update.setObject(5, utc(now));
            update.setString(6, jobId);
            update.executeUpdate();
        }
    }

    private void update(String jobId, String assignments, Object... values) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement update = connection.prepareStatement(
                     "UPDATE " + jobs + " SET " + assignments + ", heartbeat_at = ? WHERE job_id = ?")) {
            update.setQueryTimeout(DB_TIMEOUT_SECONDS);
            int i = 1;
            for (Object value : values) {
                update.setObject(i++, value);
            }
            update.setObject(i++, utc(clock.instant()));
            update.setString(i, jobId);
            update.executeUpdate();
        }
    }

    private void touch(Connection connection, String jobId) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("UPDATE " + jobs + " SET heartbeat_at = ? WHERE job_id = ?")) {
            update.setQueryTimeout(DB_TIMEOUT_SECONDS);
            update.setObject(1, utc(clock.instant()));
            update.setString(2, jobId);
            update.executeUpdate();
        }
    }

    private void insertStep(Connection connection, String jobId, int seq, String step, String phase, Instant started,
                            Instant ended, String outcome, String detail) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + steps
                + " (job_id, seq, step, phase, started_at, ended_at, outcome, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            insert.setQueryTimeout(DB_TIMEOUT_SECONDS);
            insert.setString(1, jobId);
            insert.setInt(2, seq);
            insert.setString(3, step);
            insert.setString(4, phase);
            insert.setObject(5, utc(started));
            insert.setObject(6, ended == null ? null : utc(ended));
            insert.setString(7, outcome);
            insert.setString(8, detail);
            insert.executeUpdate();
        }
    }

    private static LocalDateTime utc(Instant instant) {
        return LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    private static Instant instant(ResultSet row, String column) throws SQLException {
        LocalDateTime value = row.getObject(column, LocalDateTime.class);
        return value == null ? null : value.toInstant(ZoneOffset.UTC);
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
