package dev.scanflow.server.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scanflow.report.ReportJson;
import dev.scanflow.server.history.AppliedScan;
import dev.scanflow.server.history.HistoryQueries;
import dev.scanflow.server.history.RecordedChange;
import dev.scanflow.server.history.SubnetView;
import java.util.Objects;
import java.util.UUID;
import org.apache.camel.Exchange;
import org.apache.camel.Header;

/**
 * One applied scan, and the delta it made against the state before it, exported as JSON, CSV or ndiff-like
 * text (GET /api/v1/scans/{scanId}/delta?format=json|csv|text).
 */
public class ScansApi {

    static final String SCAN = "/api/v1/scans/{scanId}";
    static final String DELTA = "/api/v1/scans/{scanId}/delta";

    private static final ObjectMapper JSON = ReportJson.mapper();

    private final HistoryQueries queries;
    private final ScanflowLookups lookups;
    private final DeltaCsv csv = new DeltaCsv();
    private final DeltaText text = new DeltaText();

    public ScansApi(HistoryQueries queries, ScanflowLookups lookups) {
        this.queries = Objects.requireNonNull(queries, "queries");
        this.lookups = Objects.requireNonNull(lookups, "lookups");
    }

    /** GET /api/v1/scans/{scanId}: which subnet, when, how complete, how many changes, from which reports. */
    public AppliedScan scan(@Header(Exchange.HTTP_PATH) String path, @Header(Exchange.HTTP_QUERY) String query) {
        QueryParameters.parse(query);
        return find(PathParameters.match(SCAN, path).uuid("scanId"));
    }

    public Rendered delta(@Header(Exchange.HTTP_PATH) String path, @Header(Exchange.HTTP_QUERY) String query) {
        String format = QueryParameters.parse(query, "format").oneOf("format", "json", "json", "csv", "text");
        DeltaExport delta = export(find(PathParameters.match(DELTA, path).uuid("scanId")));
        String name = "scanflow-delta-" + delta.scan().scanId();
        return switch (format) {
            case "csv" -> new Rendered("text/csv; charset=utf-8", name + ".csv", csv.render(delta));
            case "text" -> new Rendered("text/plain; charset=utf-8", null, text.render(delta));
            default -> new Rendered("application/json", null, json(delta));
        };
    }

    private AppliedScan find(UUID scanId) {
        return queries.scan(scanId).orElseThrow(() -> ApiError.notFound("no scan " + scanId + " has been applied"));
    }

    DeltaExport export(AppliedScan scan) {
        String cidr = queries.subnet(scan.site(), scan.subnetId()).map(SubnetView::cidr).orElse(null);
        return new DeltaExport(scan, cidr, lookups.scanBefore(scan.site(), scan.subnetId(), scan.stateVersion()).orElse(null),
                queries.changesOfScan(scan.scanId()).stream().map(RecordedChange::change).toList());
    }

    private static String json(DeltaExport delta) {
        try {
            return JSON.writeValueAsString(delta);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("delta of scan " + delta.scan().scanId() + " does not write as JSON", e);
        }
    }
}
