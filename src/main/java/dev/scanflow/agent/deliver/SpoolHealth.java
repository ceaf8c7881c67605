package dev.scanflow.agent.deliver;

import dev.scanflow.agent.spool.Backlog;
import dev.scanflow.agent.spool.ReportSpool;
import java.util.Map;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * The spool's backlog in the agent's health (/observe/health): count, age of the oldest, bytes. DOWN while
 * the spool is full, since the agent then skips scans.
 */
public class SpoolHealth extends AbstractHealthCheck {

    private final ReportSpool spool;

    public SpoolHealth(ReportSpool spool) {
        super("scanflow", "agent-spool");
        this.spool = spool;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        Backlog backlog = spool.backlog();
        builder.detail("reports", backlog.count())
                .detail("oldest.age.seconds", backlog.oldestAge().toSeconds())
                .detail("bytes", backlog.bytes())
                .detail("max.bytes", spool.maxBytes());
        if (backlog.bytes() >= spool.maxBytes()) {
            builder.message("spool full: scans are skipped until the server takes the reports").down();
        } else {
            builder.up();
        }
    }

    @Override
    public boolean isLiveness() {
        return false;
    }
}
