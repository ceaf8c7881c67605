package dev.scanflow.server.fleet;

import java.time.Instant;
import java.util.List;

/**
 * What an agent says in its heartbeat (POST /api/v1/fleet/heartbeat); the agent code comes from its token.
 * {@code site} is the site whose Kafka work topic the agent consumes (null for an agent on HTTP alone).
 */
public record Heartbeat(String version, List<String> profiles, List<String> subnets, Long backlog,
                        Instant lastDelivery, String lastError, String site) {

    /** As scanflow.agent.site: it ends a Kafka topic's name. */
    public static final String SITE = "[A-Za-z0-9._-]{1,64}";
}
