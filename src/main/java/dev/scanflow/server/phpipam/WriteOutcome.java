package dev.scanflow.server.phpipam;

import java.util.UUID;

/**
 * What a report did to phpIPAM. {@code status} is "applied", or "duplicate" when the report id had been
 * applied before, in which case the counts are those of the first time and nothing was written now.
 * {@code retagged} counts addresses whose status tag changed (Offline or back to Used).
 */
public record WriteOutcome(UUID reportId, String status, long subnetId, int updated, int inserted, int ignored,
                           int retagged) {

    public boolean isDuplicate() {
        return "duplicate".equals(status);
    }
}
