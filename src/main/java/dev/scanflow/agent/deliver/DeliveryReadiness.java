package dev.scanflow.agent.deliver;

import dev.scanflow.health.Readiness;
import dev.scanflow.health.ReadinessContributor;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The agent's one delivery check ("delivery" on /observe/health), read from the spool's delivery whatever the
 * transport (HTTP or Kafka): DOWN while the spool is full (scans are skipped), while the last attempt failed
 * (refused, another error status, no answer) until a report is accepted again, while more reports wait than
 * the limit, or while the oldest has waited longer than {@code oldestLimit}. The details carry the backlog
 * (count, oldest age, bytes) and the last delivery.
 */
public final class DeliveryReadiness implements ReadinessContributor {

    private final ReportDelivery delivery;
    private final long backlogLimit;
    private final Duration oldestLimit;

    public DeliveryReadiness(ReportDelivery delivery, long backlogLimit, Duration oldestLimit) {
        this.delivery = delivery;
        this.backlogLimit = backlogLimit;
        this.oldestLimit = oldestLimit;
    }

    @Override
    public String id() {
        return "delivery";
    }

    @Override
    public Readiness check() {
        ReportDelivery.DeliveryStatus status = delivery.status();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("backlog_reports", (long) status.backlog().count());
        details.put("backlog_oldest_age_seconds", status.backlog().oldestAge().toSeconds());
        details.put("backlog_bytes", status.backlog().bytes());
        details.put("last_delivery", status.lastDelivery() == null ? "never" : status.lastDelivery().toString());
        if (status.spoolFull()) {
            return Readiness.down("spool full: scans are skipped until the server takes the reports").with(details);
        }
        if (status.lastError() != null) {
            return Readiness.down("cannot deliver: " + status.lastError()).with(details);
        }
        if (status.backlog().count() > backlogLimit) {
            return Readiness.down(status.backlog().count() + " reports wait for delivery (limit " + backlogLimit + ")")
                    .with(details);
        }
        if (status.backlog().oldestAge().compareTo(oldestLimit) > 0) {
            return Readiness.down("the oldest report has waited " + status.backlog().oldestAge().toMinutes()
                    + " min for delivery (limit " + oldestLimit.toMinutes() + " min)").with(details);
        }
        return Readiness.up(status.lastDelivery() == null ? "no report delivered yet" : "reports are accepted")
                .with(details);
    }
}
