package dev.scanflow.server.api;

import dev.scanflow.server.history.HistoryQueries;
import dev.scanflow.server.history.SubnetView;
import java.util.List;
import java.util.Objects;

/**
 * Finds the tracked subnet an API path names. phpIPAM gives each subnet one scan agent, so the subnet id is
 * normally enough; when more than one site holds state for it (the agent was changed in phpIPAM), the
 * request must say which with {@code site}.
 */
public class SubnetLocator {

    private final HistoryQueries queries;
    private final ScanflowLookups lookups;

    public SubnetLocator(HistoryQueries queries, ScanflowLookups lookups) {
        this.queries = Objects.requireNonNull(queries, "queries");
        this.lookups = Objects.requireNonNull(lookups, "lookups");
    }

    /** @throws ApiError 404 when not tracked (for that site), 400 when the site is needed and missing */
    public SubnetView locate(long subnetId, String site) {
        if (site != null) {
            return queries.subnet(site, subnetId).orElseThrow(() ->
                    ApiError.notFound("subnet " + subnetId + " is not tracked for site '" + site + "'"));
        }
        List<String> sites = lookups.sitesTracking(subnetId);
        if (sites.isEmpty()) {
            throw ApiError.notFound("subnet " + subnetId + " is not tracked: no scan of it has been recorded");
        }
        if (sites.size() > 1) {
            throw ApiError.badRequest("query parameter 'site' is required: subnet " + subnetId
                    + " is tracked by more than one site (" + String.join(", ", sites) + ")");
        }
        return queries.subnet(sites.get(0), subnetId).orElseThrow(() ->
                ApiError.notFound("subnet " + subnetId + " is not tracked"));
    }
}
