package dev.scanflow.agent.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The agent's delivery readiness and backlog gauge, with the backlog a spool would report. */
class DeliveryMonitorTest {

    @Test
    void aBacklogAboveTheLimitMakesTheAgentNotReadyAndIsExported() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        DeliveryMonitor monitor = new DeliveryMonitor("http://127.0.0.1:1/api/v1/reports", registry, Clock.systemUTC(),
                100, Duration.ofMinutes(30));
        assertTrue(monitor.check().up(), monitor.check().message());
        monitor.useBacklog(() -> 101);
        assertFalse(monitor.check().up());
        assertEquals("101 reports wait for delivery (limit 100)", monitor.check().message());
        assertTrue(registry.scrape().contains("scanflow_agent_backlog_reports 101.0"), registry.scrape());
        monitor.useBacklog(() -> 3);
        assertTrue(monitor.check().up());
        assertEquals(3L, monitor.check().details().get("backlog_reports"));
    }
}
