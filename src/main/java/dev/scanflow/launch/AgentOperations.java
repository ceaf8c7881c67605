package dev.scanflow.launch;

import dev.scanflow.agent.observe.DeliveryMonitor;
import dev.scanflow.agent.observe.PhpipamApiReadiness;
import dev.scanflow.agent.phpipam.PhpipamWorkSource;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/** The agent's readiness (delivery to the server, phpIPAM's API when it gives the work) and delivery metrics. */
final class AgentOperations {

    /** More reports than this waiting for the server makes the agent not ready. */
    static final long BACKLOG_LIMIT = 1000;
    /** Reports sent and none accepted for this long makes the agent not ready. */
    static final Duration SILENT_AFTER = Duration.ofMinutes(30);

    private AgentOperations() {
    }

    static DeliveryMonitor configure(CamelApp app, String reportsUrl, Optional<PhpipamWorkSource> work) {
        DeliveryMonitor delivery = new DeliveryMonitor(reportsUrl, app.meterRegistry(), Clock.systemUTC(),
                BACKLOG_LIMIT, SILENT_AFTER);
        app.bean("deliveryMonitor", delivery);
        app.readiness().register(delivery);
        work.ifPresent(source -> app.readiness().register(new PhpipamApiReadiness(source)));
        return delivery;
    }
}
