package dev.scanflow.server.history;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.scanflow.server.phpipam.Vlan;
import java.time.Instant;
import java.util.UUID;

/**
 * A tracked (site, subnet) and the size of what is known about it now. {@code vlan} is phpIPAM's VLAN of the
 * subnet as it is now, or null (written out as {@code "vlan": null}) when phpIPAM gives the subnet none.
 */
public record SubnetView(String site, long subnetId, String cidr, @JsonInclude(JsonInclude.Include.ALWAYS) Vlan vlan,
                         long version, UUID lastScanId, Instant lastScanStart,
                         Instant updatedAt, long hostsUp, long hostsGone, long openPorts, long activeAlerts) {
}
