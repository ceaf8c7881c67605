package dev.scanflow.agent.observe;

/**
 * Reports made and not yet accepted by the server. The agent's delivery (a spool, when it has one) says how
 * many it holds; {@link DeliveryMonitor} exports the number and judges readiness by it. Without a spool the
 * backlog is the reports being sent or retried right now.
 */
@FunctionalInterface
public interface DeliveryBacklog {

    long pendingReports();
}
