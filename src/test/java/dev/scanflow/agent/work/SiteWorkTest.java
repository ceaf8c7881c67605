package dev.scanflow.agent.work;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scanflow.report.ReportJson;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

/** What the agent makes of its site's work items: its own scan jobs, and nothing from anything else. */
class SiteWorkTest {

    private static final String ME = "Site-work-agent-code-0123456789a";
    private static final String JOB = "6a0d3d2e-6f5b-4c43-9f57-6f0b2a8b1c11";
    private final SiteWork work = new SiteWork(ME, ReportJson.mapper());

    @Test
    void aScanJobForThisAgentGivesItsJobId() {
        assertEquals(JOB, work.scanJobFor(item(ME, JOB)));
    }

    @Test
    void anotherAgentsJobAndOtherKindsAreSkipped() {
        assertNull(work.scanJobFor(item("Site-work-other-code-0123456789a", JOB)));
        assertNull(work.scanJobFor("{\"kind\":\"scan-now\",\"subnet\":\"198.51.100.0/28\"}"));
    }

    @Test
    void malformedItemsAreRefusedWithTheirReason() {
        String truncated = assertThrows(IllegalArgumentException.class, () -> work.scanJobFor("{\"kind\": \"scan-job\"")).getMessage();
        assertTrue(truncated.startsWith("not JSON (Unexpected end-of-input"), truncated);
        assertEquals("not a JSON object with a kind",
                assertThrows(IllegalArgumentException.class, () -> work.scanJobFor("[1, 2]")).getMessage());
        assertEquals("a scan-job item needs agent and jobId",
                assertThrows(IllegalArgumentException.class, () -> work.scanJobFor("{\"kind\":\"scan-job\",\"agent\":\"" + ME + "\"}")).getMessage());
        assertEquals("jobId is no UUID",
                assertThrows(IllegalArgumentException.class, () -> work.scanJobFor(item(ME, "17; DROP"))).getMessage());
        assertEquals("empty", assertThrows(IllegalArgumentException.class, () -> work.scanJobFor(" ")).getMessage());
        assertEquals("larger than 65536 characters", assertThrows(IllegalArgumentException.class,
                () -> work.scanJobFor("{\"kind\":\"" + "x".repeat(70_000) + "\"}")).getMessage());
    }

    @Test
    void everyItemIsCountedAndOnlyOwnJobsAreStarted() throws Exception {
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            assertEquals(JOB, work.received(exchange(context, item(ME, JOB))));
            assertNull(work.received(exchange(context, "not json")));
            assertNull(work.received(exchange(context, item("Site-work-other-code-0123456789a", JOB))));
            assertEquals(3, work.count());
            assertEquals(1, work.scanJobs());
        }
    }

    private static Exchange exchange(DefaultCamelContext context, String body) {
        Exchange exchange = new DefaultExchange(context);
        exchange.getMessage().setBody(body);
        return exchange;
    }

    private static String item(String agent, String jobId) {
        return "{\"kind\":\"scan-job\",\"jobId\":\"" + jobId + "\",\"agent\":\"" + agent
                + "\",\"subnet\":\"198.51.100.0/28\",\"profile\":\"discovery\",\"ports\":null}";
    }
}
