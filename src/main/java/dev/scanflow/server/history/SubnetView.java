package dev.scanflow.server.history;

import java.time.Instant;
import java.util.UUID;

/** A tracked (site, subnet) and the size of what is known about it now. */
public record SubnetView(String site, long subnetId, String cidr, long version, UUID lastScanId, Instant lastScanStart,
                         Instant updatedAt, long hostsUp, long hostsGone, long openPorts, long activeAlerts) {
}
