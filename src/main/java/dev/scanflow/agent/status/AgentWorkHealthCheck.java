package dev.scanflow.agent.status;

import java.util.Map;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * The agent's work in its own terms: DOWN with the sentence of {@link AgentWorkStatus} while it has no work,
 * UP otherwise (delivery is the "delivery" check's). A readiness check: the process is alive, it is not doing its job.
 */
public class AgentWorkHealthCheck extends AbstractHealthCheck {

    public static final String ID = "scanflow-agent-work";

    private final AgentWorkStatus status;

    public AgentWorkHealthCheck(AgentWorkStatus status) {
        super("scanflow", ID);
        this.status = status;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        StringBuilder message = new StringBuilder();
        status.workProblem().ifPresent(problem -> {
            message.append(problem.message());
            builder.detail("work.problem", problem.message());
            builder.detail("work.since", problem.since().toString());
        });
        if (message.length() == 0) {
            builder.up();
        } else {
            builder.message(message.toString()).down();
        }
    }
}
