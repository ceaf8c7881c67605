package dev.scanflow.server.traffic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scanflow.server.api.ApiError;
import dev.scanflow.server.api.QueryParameters;
import dev.scanflow.server.events.ScanflowEvent;
import dev.scanflow.server.fleet.Outcome;
import dev.scanflow.traffic.TrafficResult;
import dev.scanflow.traffic.TrafficTest;
import dev.scanflow.traffic.TrafficTestsConfig;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.Exchange;
import org.apache.camel.Header;

/**
 * The traffic test use case on the server: ask for a run (on demand or by schedule), record it, complete it
 * with its result, read runs back. HTTP is a thin entry route (routes/traffic-api.yaml).
 */
public final class TrafficTestsApi {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Results as the agent's spool holds them (dev.scanflow.report.ReportJson on both sides). */
    private static final ObjectMapper RESULTS = dev.scanflow.report.ReportJson.mapper();
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TrafficTestsApi.class);

    private final TrafficTestsConfig config;
    private final TrafficTestStore store;
    private final TrafficResults results;
    private final Clock clock;
    private volatile MeterRegistry meters;
    private final Map<String, AtomicReference<TrafficResult>> latest = new ConcurrentHashMap<>();

    /** The registry Camel's metrics publish (found once Camel has started); figures before that are stored only. */
    public void useMeters(MeterRegistry registry) {
        this.meters = registry;
    }

    /** @param config null when traffic-tests.yaml defines no tests: requests are then refused with 409 */
    public TrafficTestsApi(TrafficTestsConfig config, TrafficTestStore store, TrafficResults results, Clock clock,
                           MeterRegistry meters) {
        this.config = config;
        this.store = store;
        this.results = results;
        this.clock = clock;
        this.meters = meters;
    }

    /**
     * POST /api/v1/traffic-tests with {"name": "a-defined-test"} or a test in the form of traffic-tests.yaml
     * (client and server naming its hosts). Records the run and sets the header scanflowTrafficId; the body
     * becomes the {@link TrafficTest} for the running route, or, for a test a site's agent runs (runBy), the
     * {@link TrafficTestsConfig.AgentTest} whose run is now queued as that agent's work.
     */
    public Object request(String body, Exchange exchange) {
        if (config == null) {
            throw new ApiError(409, "traffic tests are not configured on this server (config/traffic-tests.yaml defines none)");
        }
        JsonNode request;
        try {
            request = JSON.readTree(body == null ? "" : body);
        } catch (java.io.IOException e) {
            throw ApiError.badRequest("the body must be JSON: " + (e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()));
        }
        if (request == null || !request.isObject()) {
            throw ApiError.badRequest("the body must be a JSON object: {\"name\": \"a test of traffic-tests.yaml\"} or a test");
        }
        TrafficTest test;
        if (request.size() == 1 && request.has("name")) {
            TrafficTestsConfig.AgentTest byAgent = config.agentTest(request.get("name").asText());
            if (byAgent != null) {
                queue(byAgent, "operator", exchange);
                return byAgent;
            }
            test = config.test(request.get("name").asText());
            if (test == null) {
                throw ApiError.notFound("no traffic test named " + abbreviate(request.get("name").asText())
                        + " in traffic-tests.yaml");
            }
        } else {
            try {
                test = config.given(request);
            } catch (IllegalArgumentException e) {
                throw ApiError.badRequest(e.getMessage());
            }
        }
        record(test, "operator", exchange);
        return test;
    }

    /** The scheduled run of a defined test (route template traffic-test-schedule). */
    public TrafficTest scheduled(String name, Exchange exchange) {
        TrafficTest test = config.test(name);
        record(test, "schedule", exchange);
        return test;
    }

    /**
     * The scheduled run of a test an agent runs (route template traffic-test-queue-schedule): queued for it,
     * unless a run of that test still waits (an agent that is away finds one run, not one per tick).
     */
    public void scheduledForAgent(String name, Exchange exchange) {
        if (store.isQueued(name)) {
            LOG.info("traffic test {}: a run still waits for agent {}; this schedule's run is skipped", name,
                    config.agentTest(name).runBy());
            return;
        }
        queue(config.agentTest(name), "schedule", exchange);
    }

    private void record(TrafficTest test, String by, Exchange exchange) {
        String id = UUID.randomUUID().toString();
        store.requested(id, test, by, clock.instant());
        exchange.getMessage().setHeader("scanflowTrafficId", id);
        exchange.getMessage().setHeader("scanflowTrafficStatus", "running");
    }

    private void queue(TrafficTestsConfig.AgentTest test, String by, Exchange exchange) {
        String id = UUID.randomUUID().toString();
        store.queued(id, test.name(), test.runBy(), by, clock.instant());
        exchange.getMessage().setHeader("scanflowTrafficId", id);
        exchange.getMessage().setHeader("scanflowTrafficStatus", "queued");
        LOG.info("traffic test {} ({}) queued for agent {}", test.name(), id, test.runBy());
    }

    /** The 202 reply to a request: running (the server runs it) or queued (an agent will take it). */
    public Map<String, Object> accepted(@Header("scanflowTrafficId") String id, @Header("scanflowTrafficStatus") String status) {
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("id", id);
        reply.put("status", status == null ? "running" : status);
        reply.put("location", "/api/v1/traffic-tests/" + id);
        return reply;
    }

    /**
     * A run finished: stored with the alert it raises or resolves (one transaction, {@link TrafficResults}),
     * its figures as metrics per pair, a log line (WARN when breached or failed). Returns the events to publish:
     * the run's, then its alert's; none for a result already stored (delivered twice).
     */
    public List<ScanflowEvent> completed(TrafficResult result, @Header("scanflowTrafficRunBy") String runBy) {
        TrafficResults.Recorded recorded = results.record(result);
        if (!recorded.stored()) {
            LOG.info("traffic test {} ({}): a result came for a run that is not running; ignored", result.name(), result.id());
            return List.of();
        }
        if (result.figures() != null) {
            latest.computeIfAbsent(result.name(), this::registerMeters).set(result);
        }
        if (result.status() == TrafficResult.Status.BREACHED) {
            LOG.warn("traffic test {} ({}) BREACHED: {}", result.name(), result.id(), String.join("; ", result.breaches()));
        } else if (result.status() == TrafficResult.Status.FAILED) {
            LOG.warn("traffic test {} ({}) FAILED: {}", result.name(), result.id(), result.error());
        } else {
            LOG.info("traffic test {} ({}) passed: {} bit/s received", result.name(), result.id(),
                    Math.round(result.figures().receivedBps()));
        }
        List<ScanflowEvent> events = new java.util.ArrayList<>(events(result, runBy));
        recorded.alertEvents().forEach(alert -> events.add(ScanflowEvent.ofTrafficAlert(alert)));
        return events;
    }

    /**
     * The run as an event for every endpoint of scanflow.events.endpoints (SSE, webhook, Kafka): kind
     * "traffic", type PASSED, BREACHED (a threshold crossed: the breaches are in its detail) or FAILED; site
     * "server" when the server ran it, else the code of the agent that ran it.
     */
    public List<ScanflowEvent> events(TrafficResult result, String runBy) {
        return List.of(new ScanflowEvent(UUID.randomUUID(), "traffic", result.status().name(), result.finishedAt(),
                runBy == null ? "server" : runBy, 0, null, null, null, result));
    }

    private AtomicReference<TrafficResult> registerMeters(String pair) {
        AtomicReference<TrafficResult> ref = new AtomicReference<>();
        if (meters == null) {
            return ref;
        }
        gauge(pair, "scanflow.traffic.sent.bps", ref, r -> r.figures().sentBps());
        gauge(pair, "scanflow.traffic.received.bps", ref, r -> r.figures().receivedBps());
        gauge(pair, "scanflow.traffic.retransmits", ref, r -> r.figures().retransmits() == null ? Double.NaN : r.figures().retransmits());
        gauge(pair, "scanflow.traffic.jitter.ms", ref, r -> r.figures().jitterMs() == null ? Double.NaN : r.figures().jitterMs());
        gauge(pair, "scanflow.traffic.lost.percent", ref, r -> r.figures().lostPercent() == null ? Double.NaN : r.figures().lostPercent());
        gauge(pair, "scanflow.traffic.client.cpu.percent", ref, r -> r.figures().clientCpuPercent());
        gauge(pair, "scanflow.traffic.server.cpu.percent", ref, r -> r.figures().serverCpuPercent());
        return ref;
    }

    private void gauge(String pair, String name, AtomicReference<TrafficResult> ref,
                       java.util.function.ToDoubleFunction<TrafficResult> value) {
        Gauge.builder(name, ref, r -> r.get() == null ? Double.NaN : value.applyAsDouble(r.get()))
                .tag("pair", pair).register(meters);
    }

    /**
     * POST /api/v1/agent/traffic-tests/claim (the agent's own token): the agent's oldest queued run, now
     * running, as {"id", "name"}; 204 when none waits.
     */
    public Outcome claim(String agent) {
        Map<String, Object> next = store.claim(agent, clock.instant());
        if (next == null) {
            return new Outcome(204, null, List.of());
        }
        LOG.info("traffic test {} ({}) claimed by agent {}", next.get("name"), next.get("id"), agent);
        return Outcome.ok(next);
    }

    /**
     * An agent's result as checked: {@code stored} false when its run already has its result (delivered twice:
     * acknowledged, nothing changes); else the result goes to direct:traffic-test-completed.
     */
    public record AgentResult(TrafficResult result, boolean stored, String agent) {
    }

    /**
     * POST /api/v1/agent/traffic-results (the agent's own token): a result from the agent's spool, for a run
     * queued for that agent. A result for a run that is not this agent's, or not of that test, is refused with
     * 409, so the agent's spool sets it aside instead of sending it again and again.
     */
    public AgentResult agentResult(String agent, String body) {
        TrafficResult result;
        try {
            result = RESULTS.readValue(body == null ? "" : body, TrafficResult.class);
        } catch (java.io.IOException e) {
            throw ApiError.badRequest("the body must be a traffic test result: " + (e instanceof com.fasterxml.jackson.core.JsonProcessingException j
                    ? j.getOriginalMessage() : e.getMessage()));
        }
        if (result == null || result.id() == null || !result.id().matches("[0-9a-f-]{36}") || result.status() == null
                || result.name() == null || result.finishedAt() == null) {
            throw ApiError.badRequest("a traffic test result needs id, name, status and finishedAt");
        }
        if (result.status() != TrafficResult.Status.FAILED && result.figures() == null) {
            throw ApiError.badRequest("a measured result (" + result.status() + ") needs its figures");
        }
        Map<String, Object> row = store.find(result.id());
        if (row == null || !agent.equals(row.get("run_by"))) {
            throw new ApiError(409, "no traffic test " + result.id() + " was queued for agent " + agent);
        }
        if (!result.name().equals(row.get("name"))) {
            throw new ApiError(409, "traffic test " + result.id() + " is " + row.get("name") + ", not " + abbreviate(result.name()));
        }
        return new AgentResult(result, "running".equals(row.get("status")), agent);
    }

    /** The reply to an agent's result: its id and whether it was stored now (false: it was already). */
    public Map<String, Object> resultAccepted(AgentResult accepted) {
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("id", accepted.result().id());
        reply.put("stored", accepted.stored());
        return reply;
    }

    /** GET /api/v1/traffic-tests/{testId}. */
    public Map<String, Object> get(@Header("testId") String id) {
        if (id == null || !id.matches("[0-9a-f-]{36}")) {
            throw ApiError.badRequest("path parameter 'id': not a test id");
        }
        Map<String, Object> row = store.find(id);
        if (row == null) {
            throw ApiError.notFound("no traffic test " + id);
        }
        return row;
    }

    /** GET /api/v1/traffic-tests?name=&status=&limit=&cursor=: newest first, paged by cursor ("next"). */
    public Map<String, Object> list(@Header(Exchange.HTTP_QUERY) String query) {
        QueryParameters parameters = QueryParameters.parse(query, "name", "status", "limit", "cursor");
        String status = parameters.text("status") == null ? null
                : parameters.oneOf("status", null, "queued", "running", "passed", "breached", "failed");
        String name = parameters.text("name");
        if (name != null && !TrafficTest.NAME.matcher(name).matches()) {
            throw ApiError.badRequest("query parameter 'name': not a test name");
        }
        int limit = parameters.limit();
        Instant before = null;
        String beforeId = null;
        String cursor = parameters.cursor();
        if (cursor != null) {
            String[] parts = cursor.split("_", 2);
            try {
                before = Instant.ofEpochMilli(Long.parseLong(parts[0]));
                beforeId = parts[1];
            } catch (RuntimeException e) {
                throw ApiError.badRequest("query parameter 'cursor': not a cursor this API gave");
            }
        }
        List<Map<String, Object>> rows = store.list(name, status, before, beforeId, limit + 1);
        Map<String, Object> page = new LinkedHashMap<>();
        page.put("items", rows.size() > limit ? rows.subList(0, limit) : rows);
        if (rows.size() > limit) {
            Map<String, Object> last = rows.get(limit - 1);
            page.put("next", Instant.parse((String) last.get("requested_at")).toEpochMilli() + "_" + last.get("test_id"));
        } else {
            page.put("next", null);
        }
        return page;
    }

    private static String abbreviate(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "...";
    }
}
