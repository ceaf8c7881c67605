package dev.scanflow.server.fleet;

import java.time.Instant;
import java.util.List;

/** One agent as the fleet view shows it: what its last heartbeat said and the state the server sees. */
public record FleetAgent(String code, String status, Instant statusSince, Instant lastHeartbeat, String version,
                         List<String> profiles, List<String> subnets, long backlog, Instant lastDelivery,
                         String lastError, String site) {
}
