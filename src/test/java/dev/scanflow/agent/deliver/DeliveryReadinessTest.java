package dev.scanflow.agent.deliver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scanflow.agent.spool.ReportSpool;
import dev.scanflow.health.Readiness;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent's one delivery check and its series, read from the spool's delivery after each outcome. */
class DeliveryReadinessTest {

    @TempDir
    Path dir;

    private final ReportDeliveryTest.MovingClock clock = new ReportDeliveryTest.MovingClock(Instant.parse("2026-11-30T12:00:00Z"));
    private final PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    private void store(ReportSpool spool, int reports) throws IOException {
        for (int i = 0; i < reports; i++) {
            String id = UUID.randomUUID().toString();
            spool.store(id, ("{\"reportId\":\"" + id + "\"}").getBytes());
        }
    }

    @Test
    void eachOutcomeSaysWhatIsWrongUntilAReportIsAcceptedAgain() throws Exception {
        ReportSpool spool = new ReportSpool(dir, 1 << 20, clock);
        ReportDelivery delivery = new ReportDelivery(spool, new Backoff(Duration.ofMillis(1), Duration.ofMillis(1), () -> 1.0),
                clock, meters);
        DeliveryReadiness readiness = new DeliveryReadiness(delivery, 2, Duration.ofMinutes(30));
        Readiness fresh = readiness.check();
        assertTrue(fresh.up(), fresh.message());
        assertEquals("no report delivered yet", fresh.message());

        store(spool, 3);
        Readiness tooMany = readiness.check();
        assertFalse(tooMany.up());
        assertEquals("3 reports wait for delivery (limit 2)", tooMany.message());
        assertEquals(3L, tooMany.details().get("backlog_reports"));

        delivery.failed(delivery.next(), new ConnectException("Connection refused"));
        assertEquals("cannot deliver: no answer to the last report: java.net.ConnectException: Connection refused",
                readiness.check().message());

        clock.now = clock.now.plusSeconds(1);
        delivery.answered(delivery.next(), 401, null, "{\"message\":\"unknown token\"}");
        Readiness refused = readiness.check();
        assertFalse(refused.up());
        assertEquals("cannot deliver: the server refused the last report with HTTP 401 (check scanflow.agent.token and"
                + " scanflow.agent.code): {\"message\":\"unknown token\"}", refused.message());
        assertEquals(2L, refused.details().get("backlog_reports"), "the refused report went to the poison folder");

        clock.now = clock.now.plusSeconds(1);
        delivery.answered(delivery.next(), 202, null, "{}");
        Readiness accepted = readiness.check();
        assertTrue(accepted.up(), accepted.message());
        assertEquals("reports are accepted", accepted.message());
        assertEquals(clock.now.toString(), accepted.details().get("last_delivery"));

        clock.now = clock.now.plus(Duration.ofMinutes(31));
        Readiness old = readiness.check();
        assertFalse(old.up());
        assertTrue(old.message().startsWith("the oldest report has waited 3"), old.message());

        String scrape = meters.scrape();
        for (String sample : new String[] {"scanflow_agent_deliveries_total{outcome=\"accepted\"} 1.0",
                "scanflow_agent_deliveries_total{outcome=\"refused\"} 1.0",
                "scanflow_agent_deliveries_total{outcome=\"rejected\"} 0.0",
                "scanflow_agent_deliveries_total{outcome=\"unreachable\"} 1.0",
                "scanflow_agent_backlog_reports 1.0",
                "scanflow_agent_last_delivery_timestamp_seconds " + (double) clock.now.minus(Duration.ofMinutes(31)).getEpochSecond()}) {
            assertTrue(scrape.contains(sample), sample + " in " + scrape);
        }
    }

    @Test
    void aFullSpoolIsDownWhateverElseHolds() throws Exception {
        ReportSpool spool = new ReportSpool(dir, 64, clock);
        ReportDelivery delivery = new ReportDelivery(spool, new Backoff(Duration.ofMillis(1), Duration.ofMillis(1), () -> 1.0),
                clock, meters);
        store(spool, 2);
        Readiness full = new DeliveryReadiness(delivery, 1000, Duration.ofMinutes(30)).check();
        assertFalse(full.up());
        assertEquals("spool full: scans are skipped until the server takes the reports", full.message());
    }
}
