package dev.scanflow.server.fleet;

import java.time.Instant;
import java.util.List;

/** What an agent says in its heartbeat (POST /api/v1/fleet/heartbeat); the agent code comes from its token. */
public record Heartbeat(String version, List<String> profiles, List<String> subnets, Long backlog,
                        Instant lastDelivery, String lastError) {
}
