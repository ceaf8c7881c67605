package dev.scanflow.server.jobs;

import java.math.BigDecimal;
import java.time.Instant;

/** One scan on demand as the API shows it. */
public record ScanJob(String id, String agent, long subnetId, String subnet, String profile, String ports,
                      String status, boolean cancelRequested, BigDecimal progress, String message, String reportId,
                      int attempts, String requestedBy, Instant createdAt, Instant claimedAt, Instant updatedAt,
                      Instant finishedAt) {
}
