package dev.scanflow.server.apply;

import dev.scanflow.health.Readiness;
import dev.scanflow.report.ScanReport;
import dev.scanflow.server.alert.AlertEngine;
import dev.scanflow.server.delta.Observation;
import dev.scanflow.server.delta.ObservedChunk;
import dev.scanflow.server.delta.ScanAssembly;
import dev.scanflow.server.delta.SubnetKey;
import dev.scanflow.server.events.EventFactory;
import dev.scanflow.server.events.ScanflowEvent;
import dev.scanflow.server.health.DatabaseReadiness;
import dev.scanflow.server.history.HistoryRepository;
import dev.scanflow.server.history.ObservationRecorder;
import dev.scanflow.server.history.Recorded;
import dev.scanflow.server.history.StaleState;
import dev.scanflow.server.intake.AuthorizedReport;
import dev.scanflow.server.intake.ReportAuthorization;
import dev.scanflow.server.intake.ReportRejected;
import dev.scanflow.server.phpipam.PhpipamUnavailable;
import dev.scanflow.server.phpipam.PhpipamWriter;
import dev.scanflow.server.phpipam.ReportAppliedConcurrently;
import dev.scanflow.server.phpipam.WriteOutcome;
import dev.scanflow.server.store.StepHook;
import dev.scanflow.server.store.Transaction;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's one use case, "apply a report", whatever transport brought it (routes/apply-report.yaml):
 * check its times → authorize → phpIPAM write → record the report id → gather the scan's chunks → delta →
 * history → alerts → commit → events.
 *
 * <p>What is in which transaction, in one place: everything from the phpIPAM write to the alerts is ONE
 * transaction. A chunk whose scan is not complete is kept in {@code pending_chunks} in that transaction; the
 * chunk that completes the scan is not kept: it reads the others back and stores the whole scan's deltas in its
 * own transaction, deleting them. So a crash at any point either leaves the report unapplied (the agent sends it
 * again and it is applied then) or applied with all its deltas (the resent copy is a duplicate); nothing is
 * lost, nothing counted twice. Events are published after the commit; the change log holds them durably.
 *
 * <p>Scans whose chunks do not all arrive within the chunk timeout are applied with what came by
 * {@link #applyOverdueScans()}, also from the database.
 */
public class ReportApplication {

    private static final Logger LOG = LoggerFactory.getLogger(ReportApplication.class);
    /** How long the overdue sweep waits for the database to answer, after a scan failed, before it stops. */
    private static final Duration READINESS_TIMEOUT = Duration.ofSeconds(5);

    private final DataSource dataSource;
    private final ReportTimes times;
    private final ReportAuthorization authorization;
    private final PhpipamWriter phpipam;
    private final Deltas deltas;
    private final Clock clock;
    private final StepHook steps;
    private final ObservationStore store;
    private final ConcurrentHashMap<Long, Object> subnetLocks = new ConcurrentHashMap<>();

    /** The delta side, absent when scanflow.deltas.enabled=false. */
    public record Deltas(PendingChunks pending, ObservationRecorder recorder, HistoryRepository history,
                         AlertEngine alerts, EventFactory events, Duration chunkTimeout) {
    }

    public ReportApplication(DataSource dataSource, ReportTimes times, ReportAuthorization authorization,
                             PhpipamWriter phpipam, Deltas deltas, Clock clock, StepHook steps) {
        this.dataSource = dataSource;
        this.times = times;
        this.authorization = authorization;
        this.phpipam = phpipam;
        this.deltas = deltas;
        this.clock = clock;
        this.steps = steps;
        this.store = deltas == null ? null : new ObservationStore(deltas.recorder(), deltas.history(), deltas.alerts(), steps);
    }

    /**
     * Applies one report sent by the agent whose token names {@code tokenAgentCode}.
     *
     * @throws ReportRejected      when the report can never be applied (400, 403, 409): resending will not help
     * @throws PhpipamUnavailable  when the database failed: nothing was applied, the report may be sent again
     */
    public Applied apply(ScanReport report, String tokenAgentCode) {
        times.check(report);
        AuthorizedReport authorized = authorization.authorize(report, tokenAgentCode);
        steps.reached("authorized");
        // reduced for the delta, and encoded if it is a chunk to keep, while its phpIPAM rows are written
        // (PendingChunks#prepareAside); the chunk that completes its scan is not kept, so not encoded
        Future<PendingChunks.Prepared> prepared = deltas == null ? null : deltas.pending().prepareAside(report,
                isPartOfScan(report) && !deltas.pending().likelyCompletes(authorized.agent().id(), authorized.subnet().id(), report));
        try {
            return applyLocked(authorized, prepared);
        } finally {
            if (prepared != null) {
                // unused when the report was a duplicate or failed: its report is not held, nor its task run, longer
                prepared.cancel(false);
            }
        }
    }

    private Applied applyLocked(AuthorizedReport authorized, Future<PendingChunks.Prepared> prepared) {
        ScanReport report = authorized.report();
        // one subnet's reports one at a time in this JVM (the database's subnet lock does it across servers),
        // so the in-memory state the delta starts from is the committed one
        synchronized (subnetLocks.computeIfAbsent(authorized.subnet().id(), id -> new Object())) {
            for (int attempt = 0; ; attempt++) {
                try {
                    Result result = Transaction.run(dataSource, connection -> applyInTransaction(connection, authorized, prepared),
                            r -> !r.outcome().isDuplicate());
                    steps.reached("committed");
                    remember(result, authorized);
                    return new Applied(result.outcome(), published(result, authorized), authorized);
                } catch (ReportAppliedConcurrently concurrent) {
                    // a copy of the same report won the race: it was applied once, this is the duplicate
                    return new Applied(phpipam.earlierOutcome(authorized), List.of(), authorized);
                } catch (StaleState stale) {
                    // another server stored this subnet's state meanwhile: start again from the stored one
                    store.forget(new SubnetKey(authorized.agent().name(), authorized.subnet().id()));
                    if (attempt > 0) {
                        throw new PhpipamUnavailable("storing the deltas of report " + report.reportId(), stale);
                    }
                } catch (SQLException e) {
                    throw new PhpipamUnavailable("applying report " + report.reportId() + " to subnet "
                            + authorized.subnet().id(), e);
                }
            }
        }
    }

    /**
     * What one transaction did: the phpIPAM outcome, and the stored observation when the scan was completed; for a
     * chunk whose scan waits for others, whether this chunk is the copy kept of its index (then {@code kept} is the
     * chunk reduced, to be remembered after the commit).
     */
    private record Result(WriteOutcome outcome, Recorded recorded, Chunk chunk, ObservedChunk kept) {

        enum Chunk { NONE, KEPT, ALREADY_KEPT }

        Result(WriteOutcome outcome, Recorded recorded) {
            this(outcome, recorded, Chunk.NONE, null);
        }
    }

    private Result applyInTransaction(Connection connection, AuthorizedReport authorized,
                                      Future<PendingChunks.Prepared> prepared) throws SQLException {
        WriteOutcome outcome = phpipam.writeInTransaction(connection, authorized, steps);
        if (outcome.isDuplicate() || deltas == null) {
            return new Result(outcome, null);
        }
        ScanReport report = authorized.report();
        List<ObservedChunk> chunks;
        if (!isPartOfScan(report)) {
            chunks = List.of(ready(prepared, report).observed());
        } else {
            PendingChunks pending = deltas.pending();
            long agentId = authorized.agent().id();
            long subnetId = authorized.subnet().id();
            SortedSet<Integer> indexes = pending.indexesWith(connection, agentId, subnetId, report);
            if (indexes.size() < report.chunk().count()) {
                // kept: remembered after the commit, unless another copy of its index was kept first
                PendingChunks.Prepared chunk = ready(prepared, report);
                boolean stored = pending.store(connection, authorized, clock.instant(), chunk);
                steps.reached("chunks-gathered");
                return stored ? new Result(outcome, null, Result.Chunk.KEPT, chunk.observed())
                        : new Result(outcome, null, Result.Chunk.ALREADY_KEPT, null);
            }
            // the chunk that completes its scan is not kept: the scan's deltas are stored in this transaction
            chunks = pending.chunksWith(connection, agentId, subnetId, ready(prepared, report).observed(), indexes);
            steps.reached("chunks-gathered");
            pending.delete(connection, agentId, subnetId, report.chunk().scanId());
        }
        return new Result(outcome, observe(connection, authorized, assemble(chunks)));
    }

    /** Whether the report is one chunk of a scan of several (the schema sets count >= 1), kept until the last arrives. */
    private static boolean isPartOfScan(ScanReport report) {
        return report.chunk() != null && report.chunk().count() != 1;
    }

    /**
     * What {@link PendingChunks#prepareAside} made of the report, once it is done (the write of the phpIPAM rows is
     * usually the longer).
     */
    private static PendingChunks.Prepared ready(Future<PendingChunks.Prepared> prepared, ScanReport report)
            throws SQLException {
        try {
            return prepared.get();
        } catch (ExecutionException e) {
            // the reader and the schema let through only what the reduction reads: a failure here is a fault of
            // this server, never a reason to refuse the report for good (an agent drops a report refused with 4xx)
            throw new IllegalStateException("report " + report.reportId() + " could not be prepared", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while preparing report " + report.reportId(), e);
        }
    }

    /**
     * A chunk kept for later is remembered reduced (not one whose index was kept first under another report id: its
     * row holds that first copy); a completed scan's chunks are forgotten.
     */
    private void remember(Result result, AuthorizedReport authorized) {
        ScanReport report = authorized.report();
        if (deltas == null || report.chunk() == null || result.outcome().isDuplicate()) {
            return;
        }
        if (result.chunk() == Result.Chunk.KEPT) {
            deltas.pending().remember(authorized.agent().id(), authorized.subnet().id(), result.kept());
        } else if (result.chunk() == Result.Chunk.NONE) {
            deltas.pending().forget(authorized.agent().id(), authorized.subnet().id(), report.chunk().scanId());
        }
    }

    private static ScanAssembly assemble(List<ObservedChunk> chunks) {
        try {
            ScanAssembly assembly = ScanAssembly.startWith(chunks.get(0));
            chunks.stream().skip(1).forEach(assembly::add);
            return assembly;
        } catch (IllegalArgumentException e) {
            // chunks that contradict each other (another count, agent or subnet under one scan id) can never
            // be applied: refused, so the agent does not resend it forever
            throw new ReportRejected(409, e.getMessage());
        }
    }

    /** delta → history → alerts, on the caller's transaction; null when the scan was stored before. */
    private Recorded observe(Connection connection, AuthorizedReport authorized, ScanAssembly assembly) throws SQLException {
        if (!assembly.isComplete()) {
            LOG.warn("scan {} of {} applied without chunks {}: their addresses stay unknown", assembly.scanId(),
                    assembly.subnet(), assembly.missingChunks());
        }
        SubnetKey key = new SubnetKey(authorized.agent().name(), authorized.subnet().id());
        Observation whole = assembly.observation();
        // as phpIPAM: a pool's every address is a host, otherwise not its network and broadcast addresses
        Observation observation = authorized.subnet().isPool() ? whole : whole.withoutNetworkAndBroadcast();
        Recorded recorded = store.store(connection, key, authorized.subnet().cidr(), observation);
        return recorded.duplicate() ? null : recorded;
    }

    private List<ScanflowEvent> published(Result result, AuthorizedReport authorized) {
        if (result.recorded() == null) {
            return List.of();
        }
        Recorded recorded = result.recorded();
        store.committed(recorded);
        LOG.info("scan {} of {} by {}: {} changes, {} alert events", recorded.delta().observation().scanId(),
                authorized.subnet().cidr(), authorized.agent().name(), recorded.changes().size(),
                recorded.alertEvents().size());
        return deltas.events().events(recorded, authorized);
    }

    /**
     * Applies, with what came, every scan whose first chunk arrived longer than the chunk timeout ago: the
     * missing chunks' addresses stay unknown, never gone; and forgets the chunks remembered of scans another
     * server has applied. Returns the events to publish.
     */
    public List<ScanflowEvent> applyOverdueScans() {
        if (deltas == null) {
            return List.of();
        }
        List<PendingChunks.PendingScan> waiting;
        try (Connection connection = dataSource.getConnection()) {
            waiting = deltas.pending().waiting(connection);
        } catch (SQLException e) {
            throw new PhpipamUnavailable("reading the scans that wait for chunks", e);
        }
        deltas.pending().forgetAllBut(waiting);
        Instant cutoff = clock.instant().minus(deltas.chunkTimeout());
        List<ScanflowEvent> events = new ArrayList<>();
        for (PendingChunks.PendingScan scan : waiting) {
            if (!scan.firstReceived().isBefore(cutoff)) {
                break; // oldest first: the rest came later still
            }
            RuntimeException failure = null;
            synchronized (subnetLocks.computeIfAbsent(scan.subnetId(), id -> new Object())) {
                try {
                    events.addAll(applyOverdue(scan));
                } catch (RuntimeException e) {
                    failure = e;
                }
            }
            if (failure == null) {
                continue;
            }
            // Which of the two it is, the database is asked (outside the subnet's lock, which the apply path waits
            // on) rather than guessed from the exception: the driver's timeouts and connection errors come also from
            // a database that answers, for a statement too slow or a lock waited on too long
            Readiness database = new DatabaseReadiness(dataSource, READINESS_TIMEOUT).check();
            if (!database.up()) {
                // every scan after it would fail the same way: the next check tries them again, and the events of
                // the scans this check did apply are still published
                LOG.warn("overdue scans: {}; the rest wait for the next check ({})", database.message(),
                        failure.getMessage());
                return events;
            }
            // a fault of this one scan (its data, a statement too slow, a deadlock) must not hold up the scans after
            // it, check after check: the scans go oldest first
            LOG.error("overdue scan {} of subnet {} failed, the database answering; the scans after it go on",
                    scan.scanId(), scan.subnetId(), failure);
        }
        return events;
    }

    private List<ScanflowEvent> applyOverdue(PendingChunks.PendingScan scan) {
        AuthorizedReport[] context = new AuthorizedReport[1];
        try {
            Recorded recorded = Transaction.run(dataSource, connection -> {
                PhpipamWriter.lockSubnet(connection, scan.subnetId());
                List<ObservedChunk> chunks = deltas.pending().chunksOf(connection, scan.agentId(), scan.subnetId(), scan.scanId());
                // deleted also when none could be read back: such rows would otherwise be tried at every check
                deltas.pending().delete(connection, scan.agentId(), scan.subnetId(), scan.scanId());
                if (chunks.isEmpty()) {
                    return null; // applied by another server meanwhile, or nothing of it readable (logged)
                }
                ScanAssembly assembly;
                try {
                    ScanReport first = chunks.get(0).header();
                    context[0] = authorization.authorize(first, first.agentCode());
                    assembly = assemble(chunks);
                } catch (ReportRejected refused) {
                    // phpIPAM no longer assigns the subnet to the agent, or its chunks contradict each other (another
                    // count under one scan id): its phpIPAM rows are written, its deltas can never be
                    LOG.warn("scan {} dropped from the deltas: {}", scan.scanId(), refused.getMessage());
                    return null;
                }
                return observe(connection, context[0], assembly);
            }, r -> true);
            deltas.pending().forget(scan.agentId(), scan.subnetId(), scan.scanId());
            if (recorded == null) {
                return List.of();
            }
            return published(new Result(null, recorded), context[0]);
        } catch (StaleState stale) {
            store.forget(stale.key());
            return List.of();
        } catch (SQLException e) {
            throw new PhpipamUnavailable("applying overdue scan " + scan.scanId(), e);
        }
    }
}
