package dev.scanflow.agent.archive;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.scanflow.agent.plan.ScanJob;
import dev.scanflow.agent.scan.ScanRecord;
import dev.scanflow.agent.scan.ScannerRun;
import dev.scanflow.report.ReportJson;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps what every scanner wrote, unchanged, under the id of the report it became, so that any result can
 * be traced back to the scanner's own words:
 * <pre>
 *   &lt;dir&gt;/&lt;UTC date&gt;/&lt;report id&gt;/manifest.json        job, and per run: command, exit code, timed out, times
 *                                      1-masscan.stdout, 1-masscan.stderr, 2-nmap.stdout, ...
 * </pre>
 * Runs of a job that failed are kept too (the manifest says no report was sent). Day directories older than
 * the retention are deleted by {@link #purge()}. Archiving never stops a report: a write error is logged.
 */
public class RawOutputArchive {

    public static final String MANIFEST = "manifest.json";

    private static final Logger LOG = LoggerFactory.getLogger(RawOutputArchive.class);

    private final Path dir;
    private final int retentionDays;
    private final Clock clock;
    private final ObjectMapper json = ReportJson.mapper().enable(SerializationFeature.INDENT_OUTPUT);

    public RawOutputArchive(Path dir, int retentionDays, Clock clock) {
        this.dir = dir;
        this.retentionDays = retentionDays;
        this.clock = clock;
    }

    public Path dir() {
        return dir;
    }

    /** Archives a job whose report is about to be sent. Returns the report's directory, or null. */
    public Path store(ScanRecord record) {
        return write(record, true, null);
    }

    /** Archives the runs of a job that failed (no report is sent), with the reason. Null-safe. */
    public Path storeFailed(ScanRecord record, Throwable reason) {
        return write(record, false, reason == null ? "unknown" : String.valueOf(reason.getMessage()));
    }

    private Path write(ScanRecord record, boolean reported, String failure) {
        if (record == null || record.runs().isEmpty()) {
            return null;
        }
        List<ScannerRun> runs = record.runs();
        LocalDate day = LocalDate.ofInstant(runs.get(0).start(), ZoneOffset.UTC);
        Path target = dir.resolve(day.toString()).resolve(record.reportId().toString());
        try {
            Files.createDirectories(target);
            List<Map<String, Object>> described = new ArrayList<>();
            for (int i = 0; i < runs.size(); i++) {
                ScannerRun run = runs.get(i);
                String base = (i + 1) + "-" + run.tool().replaceAll("[^A-Za-z0-9_.-]", "_");
                Files.write(target.resolve(base + ".stdout"), run.stdout());
                Files.write(target.resolve(base + ".stderr"), run.stderr());
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("command", run.command());
                entry.put("exitCode", run.exitCode());
                entry.put("timedOut", run.timedOut());
                entry.put("start", run.start());
                entry.put("end", run.end());
                entry.put("stdout", base + ".stdout");
                entry.put("stderr", base + ".stderr");
                described.add(entry);
            }
            ScanJob job = record.job();
            Map<String, Object> manifest = new LinkedHashMap<>();
            manifest.put("reportId", record.reportId());
            manifest.put("reportSent", reported);
            if (failure != null) {
                manifest.put("failure", failure);
            }
            manifest.put("subnet", job.subnet());
            manifest.put("target", job.target().toString());
            manifest.put("profile", job.profile().id());
            if (job.chunk() != null) {
                manifest.put("chunk", job.chunk());
            }
            manifest.put("runs", described);
            json.writeValue(target.resolve(MANIFEST).toFile(), manifest);
            return target;
        } catch (IOException | RuntimeException e) {
            LOG.error("could not archive the raw output of report {} in {}: {}", record.reportId(), target, e.toString());
            return null;
        }
    }

    /** Deletes the day directories older than the retention. Returns how many it deleted. */
    public int purge() {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        LocalDate oldestKept = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).minusDays(retentionDays);
        int deleted = 0;
        try (DirectoryStream<Path> days = Files.newDirectoryStream(dir)) {
            for (Path day : days) {
                LocalDate date;
                try {
                    date = LocalDate.parse(day.getFileName().toString());
                } catch (DateTimeParseException e) {
                    continue; // not ours
                }
                if (date.isBefore(oldestKept) && Files.isDirectory(day)) {
                    deleteTree(day);
                    deleted++;
                }
            }
        } catch (IOException e) {
            LOG.error("could not purge the scan archive {}: {}", dir, e.toString());
        }
        if (deleted > 0) {
            LOG.info("scan archive: deleted {} day(s) older than {} days from {}", deleted, retentionDays, dir);
        }
        return deleted;
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
