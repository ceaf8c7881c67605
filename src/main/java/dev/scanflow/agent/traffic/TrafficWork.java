package dev.scanflow.agent.traffic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scanflow.agent.fleet.ServerCalls;
import dev.scanflow.agent.spool.ReportSpool;
import dev.scanflow.traffic.TrafficResult;
import dev.scanflow.traffic.TrafficTest;
import dev.scanflow.traffic.TrafficTestFailed;
import dev.scanflow.traffic.TrafficTestsConfig;
import java.io.IOException;
import java.time.Clock;
import java.util.Objects;
import java.util.regex.Pattern;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Traffic tests a site's agent runs for the server (hosts behind the site's NAT): agent-routes/traffic/ polls
 * {@link #pollOnce} the way scans on demand are polled. A claimed run is run by the same runner routes as on the
 * server ({@code direct:traffic-test}, routes/traffic/), with the test as this agent's own traffic tests file
 * defines it, and its result is written to the agent's traffic spool before anything sends it; delivery then
 * takes it to the server like a report (agent-routes/traffic/traffic-work.yaml, the spool's decisions).
 */
public class TrafficWork {

    private static final Logger LOG = LoggerFactory.getLogger(TrafficWork.class);
    private static final Pattern ID = Pattern.compile("[0-9a-f-]{36}");

    private final ServerCalls server;
    private final TrafficTestsConfig tests;
    private final ReportSpool results;
    private final ObjectMapper json;
    private final Clock clock;

    public TrafficWork(ServerCalls server, TrafficTestsConfig tests, ReportSpool results, ObjectMapper json, Clock clock) {
        this.server = Objects.requireNonNull(server, "server");
        this.tests = Objects.requireNonNull(tests, "tests");
        this.results = Objects.requireNonNull(results, "results");
        this.json = Objects.requireNonNull(json, "json");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** One poll: at most one run claimed, run to its end and spooled. */
    public void pollOnce(Exchange poll) throws IOException, InterruptedException {
        ServerCalls.Answer claimed = server.post("/api/v1/agent/traffic-tests/claim", "");
        if (claimed.status() == 204) {
            return;
        }
        if (claimed.status() != 200) {
            LOG.warn("asking the server for traffic tests to run failed ({}): {}", claimed.status(), claimed.body());
            return;
        }
        JsonNode run = json.readTree(claimed.body());
        String id = run.path("id").asText();
        String name = run.path("name").asText();
        if (!ID.matcher(id).matches() || !TrafficTest.NAME.matcher(name).matches()) {
            LOG.warn("the server's traffic test to run is not one: {}", claimed.body());
            return;
        }
        spool(run(poll, id, name));
    }

    private TrafficResult run(Exchange poll, String id, String name) {
        TrafficTest test = tests.test(name);
        if (test == null) {
            LOG.warn("traffic test {} ({}) claimed, but this agent's traffic tests file defines no test {}", name, id, name);
            return TrafficResult.notRun(id, name, TrafficTestFailed.Reason.UNKNOWN_TEST,
                    "this agent's traffic tests file defines no test " + name, clock.instant());
        }
        LOG.info("traffic test {} ({}) claimed: running it", name, id);
        ProducerTemplate template = poll.getContext().createProducerTemplate();
        try {
            Exchange done = template.send("direct:traffic-test", exchange -> {
                exchange.getMessage().setBody(test);
                exchange.getMessage().setHeader("scanflowTrafficId", id);
            });
            if (done.getException() != null) {
                // the runner turns every failure into a result; this is a bug, still reported as a failed run
                return new TrafficResult(id, name, test.protocol(), TrafficResult.Status.FAILED, null, java.util.List.of(),
                        TrafficTestFailed.Reason.IPERF3_FAILED, String.valueOf(done.getException().getMessage()), 0, false,
                        clock.instant(), clock.instant(), test.client().identity(), test.server().identity());
            }
            return done.getMessage().getMandatoryBody(TrafficResult.class);
        } catch (org.apache.camel.InvalidPayloadException e) {
            throw new IllegalStateException("direct:traffic-test gave no result", e);
        } finally {
            try {
                template.stop();
            } catch (Exception e) {
                LOG.debug("stopping a producer template", e);
            }
        }
    }

    /** Written durably before any delivery; the spool's file is named by the run's id. */
    private void spool(TrafficResult result) throws IOException {
        results.store(result.id(), json.writeValueAsBytes(result));
        LOG.info("traffic test {} ({}) {}: result spooled for the server", result.name(), result.id(),
                result.status().name().toLowerCase(java.util.Locale.ROOT));
    }
}
