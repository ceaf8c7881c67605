package dev.scanflow.launch;

import dev.scanflow.agent.deliver.DeliveryReadiness;
import dev.scanflow.agent.deliver.ReportDelivery;
import dev.scanflow.agent.observe.PhpipamApiReadiness;
import dev.scanflow.agent.phpipam.PhpipamWorkSource;
import java.time.Duration;
import java.util.Optional;

/** The agent's readiness: delivery of its reports (from the spool's delivery), and phpIPAM's API when it gives the work. */
final class AgentOperations {

    /** More reports than this waiting for the server makes the agent not ready. */
    static final long BACKLOG_LIMIT = 1000;
    /** A report waiting longer than this makes the agent not ready. */
    static final Duration OLDEST_LIMIT = Duration.ofMinutes(30);

    private AgentOperations() {
    }

    static void configure(CamelApp app, ReportDelivery delivery, Optional<PhpipamWorkSource> work) {
        app.readiness().register(new DeliveryReadiness(delivery, BACKLOG_LIMIT, OLDEST_LIMIT));
        work.ifPresent(source -> app.readiness().register(new PhpipamApiReadiness(source)));
    }
}
