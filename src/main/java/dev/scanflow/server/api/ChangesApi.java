package dev.scanflow.server.api;

import dev.scanflow.server.delta.ChangeType;
import dev.scanflow.server.delta.HostAddress;
import dev.scanflow.server.history.ChangeQuery;
import dev.scanflow.server.history.HistoryQueries;
import dev.scanflow.server.history.Page;
import dev.scanflow.server.history.RecordedChange;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.camel.Exchange;
import org.apache.camel.Header;

/**
 * GET /api/v1/changes: the change log, by site, subnet, phpIPAM VLAN, host, time range and type, newest or oldest first,
 * paged by cursor (keyset on observation time and id, so pages stay stable while scans keep adding changes).
 */
public class ChangesApi {

    static final String TYPES = Arrays.stream(ChangeType.values()).map(Enum::name).collect(Collectors.joining(", ", "change types: ", ""));

    private final HistoryQueries queries;

    public ChangesApi(HistoryQueries queries) {
        this.queries = Objects.requireNonNull(queries, "queries");
    }

    public Page<RecordedChange> list(@Header(Exchange.HTTP_QUERY) String query) {
        QueryParameters parameters = QueryParameters.parse(query, "site", "subnet", "address", "from", "until", "type",
                "order", "limit", "cursor", "vlan");
        String site = parameters.site();
        Long subnet = parameters.positiveLong("subnet");
        HostAddress address = parameters.address("address");
        if (address != null && subnet == null) {
            throw ApiError.badRequest("query parameter 'address' needs 'subnet': an address is only meaningful within a subnet");
        }
        Instant from = parameters.instant("from");
        Instant until = parameters.instant("until");
        if (from != null && until != null && !from.isBefore(until)) {
            throw ApiError.badRequest("query parameter 'until' (" + until + ") must be after 'from' (" + from + ")");
        }
        Set<ChangeType> types = parameters.list("type", text -> ChangeType.valueOf(text.toUpperCase(Locale.ROOT).replace('-', '_')), TYPES);
        boolean newestFirst = parameters.oneOf("order", "newest", "newest", "oldest").equals("newest");
        int limit = parameters.limit();
        String cursor = parameters.cursor();
        Integer vlan = parameters.vlan();
        ChangeQuery request = new ChangeQuery(site, subnet, address, from, until, types, newestFirst, cursor, limit, vlan);
        try {
            return queries.changes(request);
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("query parameter 'cursor': " + e.getMessage());
        }
    }
}
