package dev.scanflow.server.delta;

import java.util.Objects;

/**
 * What deltas are kept per: one phpIPAM subnet as seen by one site. A site is a phpIPAM scan agent (its id
 * or name, as the caller chooses): two sites may use the same private range, so the site is part of every
 * key, and nothing one site sees ever changes another site's state or alerts.
 *
 * @param site     the scan agent the observations come from
 * @param subnetId phpIPAM's subnets.id
 */
public record SubnetKey(String site, long subnetId) {

    public SubnetKey {
        Objects.requireNonNull(site, "site");
        if (site.isBlank() || site.length() > 128) {
            throw new IllegalArgumentException("site must be 1 to 128 characters: '" + site + "'");
        }
        if (subnetId <= 0) {
            throw new IllegalArgumentException("subnet id must be positive: " + subnetId);
        }
    }

    @Override
    public String toString() {
        return site + "/" + subnetId;
    }
}
