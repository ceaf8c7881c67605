package dev.scanflow.agent.observe;

import dev.scanflow.agent.phpipam.PhpipamWorkSource;
import dev.scanflow.health.Readiness;
import dev.scanflow.health.ReadinessContributor;
import java.util.Map;

/**
 * phpIPAM's API, for an agent that takes its work from it, judged by the agent's own last round with it
 * (no extra calls to phpIPAM): DOWN while the agent works from its cache because the API did not answer.
 */
public record PhpipamApiReadiness(PhpipamWorkSource source) implements ReadinessContributor {

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
