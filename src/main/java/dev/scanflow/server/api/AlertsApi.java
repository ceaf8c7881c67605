package dev.scanflow.server.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scanflow.report.ReportJson;
import dev.scanflow.server.alert.AlertEvent;
import dev.scanflow.server.alert.AlertStatus;
import dev.scanflow.server.alert.AlertTransitionRefused;
import dev.scanflow.server.alert.Severity;
import dev.scanflow.server.events.ScanflowEvent;
import dev.scanflow.server.history.AlertQuery;
import dev.scanflow.server.history.HistoryQueries;
import dev.scanflow.server.history.ObservationRecorder;
import dev.scanflow.server.history.Page;
import dev.scanflow.server.history.SubnetView;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.BiFunction;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.Header;

/**
 * Alerts: list (newest first, paged by cursor), one with its events, and the two steps a person takes,
 * acknowledge (open → acknowledged) and resolve (→ resolved). A step the alert's status does not allow is
 * 409. The step is published as an alert event, like those scans cause.
 */
public class AlertsApi {

    static final String ALERT = "/api/v1/alerts/{alertId}";
    static final String ACKNOWLEDGE = "/api/v1/alerts/{alertId}/acknowledge";
    static final String RESOLVE = "/api/v1/alerts/{alertId}/resolve";

    private static final ObjectMapper JSON = ReportJson.mapper();

    /** What a step did: the alert after it (the response) and the event to publish. */
    public record Transition(AlertView alert, List<ScanflowEvent> events) {
    }

    private final HistoryQueries queries;
    private final ObservationRecorder recorder;

    public AlertsApi(HistoryQueries queries, ObservationRecorder recorder) {
        this.queries = Objects.requireNonNull(queries, "queries");
        this.recorder = Objects.requireNonNull(recorder, "recorder");
    }

    /** GET /api/v1/alerts?site=&subnet=&vlan=&status=open,acknowledged&severity=high&limit=&cursor=. */
    public Page<AlertView> list(@Header(Exchange.HTTP_QUERY) String query) {
        QueryParameters parameters = QueryParameters.parse(query, "site", "subnet", "status", "severity", "limit", "cursor", "vlan");
        String site = parameters.site();
        Long subnet = parameters.positiveLong("subnet");
        Set<AlertStatus> statuses = parameters.list("status", AlertsApi::status, "an alert status: open, acknowledged or resolved");
        String severityText = parameters.text("severity");
        Severity severity = null;
        if (severityText != null) {
            try {
                severity = Severity.parse(severityText);
            } catch (RuntimeException e) {
                throw QueryParameters.bad("severity", severityText, "a severity: info, low, medium, high or critical");
            }
        }
        AlertQuery request = new AlertQuery(site, subnet, statuses, severity, parameters.cursor(), parameters.limit(),
                parameters.vlan());
        Page<dev.scanflow.server.alert.Alert> page;
        try {
            page = queries.alerts(request);
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("query parameter 'cursor': " + e.getMessage());
        }
        return new Page<>(page.items().stream().map(AlertView::of).toList(), page.next());
    }

    private static AlertStatus status(String text) {
        for (AlertStatus status : AlertStatus.values()) {
            if (status.label().equals(text)) {
                return status;
            }
        }
        throw new IllegalArgumentException(text);
    }

    /** GET /api/v1/alerts/{alertId}: the alert and every step of its life. */
    public AlertView.Detail alert(@Header(Exchange.HTTP_PATH) String path, @Header(Exchange.HTTP_QUERY) String query) {
        QueryParameters.parse(query);
        long id = PathParameters.match(ALERT, path).positiveLong("alertId");
        AlertView alert = queries.alert(id).map(AlertView::of).orElseThrow(() -> noAlert(id));
        return new AlertView.Detail(alert, queries.alertEvents(id).stream().map(AlertView.Event::of).toList());
    }

    /** POST /api/v1/alerts/{alertId}/acknowledge with {"by": "who", "note": "why"}. */
    public Transition acknowledge(@Header(Exchange.HTTP_PATH) String path, @Header(Exchange.HTTP_QUERY) String query,
                                  @Body String body) {
        return step(PathParameters.match(ACKNOWLEDGE, path), query, body, (id, step) -> recorder.acknowledge(id, step.by, step.note));
    }

    /** POST /api/v1/alerts/{alertId}/resolve with {"by": "who", "note": "why"}. */
    public Transition resolve(@Header(Exchange.HTTP_PATH) String path, @Header(Exchange.HTTP_QUERY) String query,
                              @Body String body) {
        return step(PathParameters.match(RESOLVE, path), query, body, (id, step) -> recorder.resolve(id, step.by, step.note));
    }

    private record Step(String by, String note) {
    }

    private Transition step(PathParameters parts, String query, String body,
                            BiFunction<Long, Step, Optional<AlertEvent>> action) {
        QueryParameters.parse(query);
        long id = parts.positiveLong("alertId");
        Step step = step(body);
        AlertEvent event;
        try {
            event = action.apply(id, step).orElseThrow(() -> noAlert(id));
        } catch (AlertTransitionRefused e) {
            throw new ApiError(409, e.getMessage());
        }
        ScanflowEvent published = event.alert().key().isTraffic() ? ScanflowEvent.ofTrafficAlert(event) : published(event);
        return new Transition(AlertView.of(event.alert()), List.of(published));
    }

    private ScanflowEvent published(AlertEvent event) {
        String cidr = queries.subnet(event.alert().key().subnet().site(), event.alert().key().subnet().subnetId())
                .map(SubnetView::cidr).orElse(null);
        return new ScanflowEvent(UUID.randomUUID(), "alert", event.type().name(), event.at(),
                event.alert().key().subnet().site(), event.alert().key().subnet().subnetId(), cidr,
                event.alert().key().address().toString(), null, event);
    }

    /** The request body: a JSON object with "by" (1 to 128 characters) and an optional "note" (up to 1024). */
    private static Step step(String body) {
        JsonNode json;
        try {
            json = body == null || body.isBlank() ? null : JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw ApiError.badRequest("body: not JSON: " + e.getOriginalMessage());
        }
        if (json == null || !json.isObject()) {
            throw ApiError.badRequest("body: a JSON object {\"by\": \"who\", \"note\": \"why\"} is required");
        }
        for (Iterator<String> names = json.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!name.equals("by") && !name.equals("note")) {
                throw ApiError.badRequest("body: unknown field '" + name + "'; the body takes by and note");
            }
        }
        JsonNode by = json.get("by");
        if (by == null || !by.isTextual() || by.asText().isBlank() || by.asText().length() > 128) {
            throw ApiError.badRequest("body: 'by' must name who does this, 1 to 128 characters");
        }
        JsonNode note = json.get("note");
        if (note != null && !note.isNull() && (!note.isTextual() || note.asText().length() > 1024)) {
            throw ApiError.badRequest("body: 'note' must be text of at most 1024 characters");
        }
        return new Step(by.asText().strip(), note == null || note.isNull() ? null : note.asText());
    }

    private static ApiError noAlert(long id) {
        return ApiError.notFound("no alert " + id);
    }
}
