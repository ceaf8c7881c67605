package dev.scanflow.agent.scan;

import dev.scanflow.agent.plan.ScanJob;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

/**
 * What ran for one job (one report): the job, the report id chosen before the first scanner starts, and
 * every scanner run. Shared by the steps of a job (also across a split, so it is thread-safe);
 * the report is assembled from it and the raw output archived under its report id.
 */
public final class ScanRecord {

    private final ScanJob job;
    private final UUID reportId;
    private final List<ScannerRun> runs = Collections.synchronizedList(new ArrayList<>());

    public ScanRecord(ScanJob job, UUID reportId) {
        this.job = job;
        this.reportId = reportId;
    }

    /** A record for a job about to start, with a fresh report id. */
    public static ScanRecord of(ScanJob job) {
        return new ScanRecord(job, UUID.randomUUID());
    }

    public ScanJob job() {
        return job;
    }

    public UUID reportId() {
        return reportId;
    }

    public void add(ScannerRun run) {
        runs.add(run);
    }

    /**
     * The runs in the order they started: masscan first in the ports profile, although its nmap -sV runs, started
     * while it still ran, may end (and be added) before it.
     */
    public List<ScannerRun> runs() {
        synchronized (runs) {
            return runs.stream().sorted(Comparator.comparing(ScannerRun::start)).toList();
        }
    }

    /** Whether any scanner of this job was killed by the scan timeout. */
    public boolean anyTimedOut() {
        return runs().stream().anyMatch(ScannerRun::timedOut);
    }

    /** When the first scanner started; null before any ran. */
    public Instant start() {
        return runs().stream().map(ScannerRun::start).min(Comparator.naturalOrder()).orElse(null);
    }

    /** When the last scanner ended; null before any ran. */
    public Instant end() {
        return runs().stream().map(ScannerRun::end).max(Comparator.naturalOrder()).orElse(null);
    }

    /** The first scanner's command line: the one a report names. */
    public List<String> firstCommand() {
        List<ScannerRun> all = runs();
        return all.isEmpty() ? List.of() : all.get(0).command();
    }

    @Override
    public String toString() {
        return "ScanRecord[" + reportId + ", " + job + ", " + runs().size() + " runs]";
    }
}
