package dev.scanflow.health;

import java.util.Map;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/** A contributor as Camel sees it: a readiness check (never liveness) answering from the monitor's last result. */
final class ContributedHealthCheck extends AbstractHealthCheck {

    private final ReadinessMonitor monitor;
    private final String contributorId;

    ContributedHealthCheck(String contributorId, ReadinessMonitor monitor) {
        super("scanflow", contributorId);
        this.contributorId = contributorId;
        this.monitor = monitor;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        Readiness readiness = monitor.current(contributorId);
        builder.message(readiness.message());
        readiness.details().forEach(builder::detail);
        if (readiness.up()) {
            builder.up();
        } else {
            builder.down();
        }
    }
}
