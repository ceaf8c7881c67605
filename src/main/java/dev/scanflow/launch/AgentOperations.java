package dev.scanflow.launch;

import dev.scanflow.agent.observe.DeliveryMonitor;
import dev.scanflow.agent.phpipam.PhpipamWorkSource;
import dev.scanflow.health.Readiness;
import dev.scanflow.health.ReadinessContributor;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
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

    /**
     * phpIPAM's API, judged by the agent's own last rounds with it (no extra calls): DOWN while the agent works
     * from its cache because the API did not answer.
     */
    private record PhpipamApiReadiness(PhpipamWorkSource source) implements ReadinessContributor {

        @Override
        public String id() {
            return "phpipam-api";
        }

        @Override
        public Readiness check() {
            return source.cache()
                    .filter(cache -> cache.fallbackActive())
                    .map(cache -> Readiness.down("phpIPAM's API did not answer; scanning from a cache "
                            + Math.round(cache.cachedDataAgeSeconds()) + " s old")
                            .with(Map.of("cache_age_seconds", Math.round(cache.cachedDataAgeSeconds()))))
                    .orElseGet(() -> Readiness.up(source.lastWork().isPresent()
                            ? "phpIPAM's API answered" : "phpIPAM's API not asked yet"));
        }
    }
}
