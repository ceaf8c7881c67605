package dev.scanflow.server.history;

import dev.scanflow.report.ScannedPort.Service;
import java.time.Instant;

/** A port ever seen open on a host: "open" (with its misses) or "closed" since {@code statusSince}. */
public record PortView(String protocol, int port, String status, int misses, Service service, Instant firstSeen,
                       Instant lastSeen, long timesSeen, Instant statusSince) {
}
