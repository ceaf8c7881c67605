package dev.scanflow.server.history;

import dev.scanflow.server.delta.HostAddress;
import java.time.Instant;

/**
 * A host of a tracked subnet as the history holds it.
 *
 * @param status "up" or "gone" (phpIPAM's "previously used")
 * @param misses consecutive covering scans that missed it while up
 */
public record HostView(String site, long subnetId, HostAddress address, String status, int misses, String mac,
                       String macVendor, String hostname, Instant firstSeen, Instant lastSeen, long timesSeen,
                       Instant statusSince, int openPorts) {
}
