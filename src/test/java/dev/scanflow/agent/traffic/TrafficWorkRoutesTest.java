package dev.scanflow.agent.traffic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A slice of the real agent-routes/traffic/traffic-work.yaml with beans that record their calls: the agent
 * polls for work, and each spooled result goes to the server as a POST with the agent's token, the server's
 * answer (or no answer) handed to the spool's decisions. The decisions are ReportDelivery's (its own tests);
 * the whole way, with the real server and spool, is TrafficTestsAgentLabIT's.
 */
class TrafficWorkRoutesTest {

    /** Stands in for TrafficWork, ReportDelivery and AgentCredentials: Camel binds by method name. */
    public static final class Calls {
        final List<String> calls = new CopyOnWriteArrayList<>();
        final List<String> waiting = new CopyOnWriteArrayList<>(List.of("result-1", "result-2"));

        public void pollOnce() {
            calls.add("poll");
        }

        public synchronized String next() {
            return waiting.isEmpty() ? null : waiting.get(0);
        }

        public String body(String spooled) {
            return "{\"id\":\"" + spooled + "\"}";
        }

        public synchronized String answered(String spooled, Integer status, String retryAfter, String reply) {
            calls.add("answered " + spooled + " " + status + " " + reply);
            waiting.remove(spooled);
            return next();
        }

        public synchronized void failed(String spooled, Exception cause) {
            calls.add("failed " + spooled + " " + cause.getMessage());
            waiting.remove(spooled);
        }

        public String authorization() {
            return "Bearer agent-token";
        }
    }

    private CamelContext context;
    private final Calls calls = new Calls();
    private final List<Map<String, Object>> sent = new CopyOnWriteArrayList<>();
    private volatile boolean serverDown;

    @BeforeEach
    void load() throws Exception {
        context = new DefaultCamelContext();
        for (String name : List.of("trafficWork", "trafficResultDelivery", "agentCredentials")) {
            context.getRegistry().bind(name, calls);
        }
        Properties properties = new Properties();
        properties.putAll(Map.of("scanflow.agent.job-poll-interval-ms", "100",
                "scanflow.agent.traffic-results-url", "http://192.0.2.1/api/v1/agent/traffic-results"));
        context.getPropertiesComponent().setInitialProperties(properties);
        PluginHelper.getRoutesLoader(context).loadRoutes(ResourceHelper.resolveResource(context,
                "file:agent-routes/traffic/traffic-work.yaml"));
        // the slice ends where the result leaves: no HTTP, the server's answer is made here
        AdviceWith.adviceWith(context, "traffic-result-delivery", route -> route.interceptSendToEndpoint("http*")
                .skipSendToOriginalEndpoint().process(this::server));
    }

    private void server(Exchange exchange) {
        if (serverDown) {
            throw new IllegalStateException("connection refused");
        }
        sent.add(Map.of("body", exchange.getMessage().getBody(String.class),
                "authorization", exchange.getMessage().getHeader("Authorization", String.class),
                "method", exchange.getMessage().getHeader(Exchange.HTTP_METHOD, String.class),
                "type", exchange.getMessage().getHeader("Content-Type", String.class)));
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        exchange.getMessage().setBody("{\"stored\":true}");
    }

    @AfterEach
    void stop() {
        context.stop();
    }

    private void awaitSpoolEmpty() throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!calls.waiting.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(calls.waiting.isEmpty(), calls.calls.toString());
    }

    @Test
    void eachSpooledResultIsPostedWithTheAgentsTokenAndItsAnswerDecides() throws Exception {
        context.start();
        awaitSpoolEmpty();
        assertEquals(List.of(
                Map.of("body", "{\"id\":\"result-1\"}", "authorization", "Bearer agent-token", "method", "POST", "type", "application/json"),
                Map.of("body", "{\"id\":\"result-2\"}", "authorization", "Bearer agent-token", "method", "POST", "type", "application/json")),
                sent);
        assertEquals(List.of("answered result-1 200 {\"stored\":true}", "answered result-2 200 {\"stored\":true}"),
                calls.calls.stream().filter(c -> c.startsWith("answered")).toList());
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!calls.calls.contains("poll") && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(calls.calls.contains("poll"), "the agent asks for work on its timer");
    }

    @Test
    void noAnswerIsHandedToTheSpoolsFailureDecision() throws Exception {
        serverDown = true;
        context.start();
        awaitSpoolEmpty();
        assertEquals(List.of("failed result-1 connection refused", "failed result-2 connection refused"),
                calls.calls.stream().filter(c -> c.startsWith("failed")).toList());
        assertEquals(List.of(), sent);
    }
}
