package dev.scanflow.server.api;

import dev.scanflow.server.delta.HostAddress;
import dev.scanflow.server.history.HistoryQueries;
import dev.scanflow.server.history.HostHistory;
import dev.scanflow.server.history.HostView;
import dev.scanflow.server.history.Page;
import dev.scanflow.server.history.SubnetView;
import java.util.Objects;
import org.apache.camel.Exchange;
import org.apache.camel.Header;

/** Tracked subnets and their current state, their hosts (paged) and one host's history. */
public class SubnetsApi {

    static final String SUBNET = "/api/v1/subnets/{subnetId}";
    static final String HOSTS = "/api/v1/subnets/{subnetId}/hosts";
    static final String HOST = "/api/v1/subnets/{subnetId}/hosts/{address}";

    private final HistoryQueries queries;
    private final SubnetLocator locator;

    public SubnetsApi(HistoryQueries queries, SubnetLocator locator) {
        this.queries = Objects.requireNonNull(queries, "queries");
        this.locator = Objects.requireNonNull(locator, "locator");
    }

    /** GET /api/v1/subnets[?site=][&vlan=]: every tracked (site, subnet) with its VLAN and what is known of it now. */
    public Items<SubnetView> list(@Header(Exchange.HTTP_QUERY) String query) {
        QueryParameters parameters = QueryParameters.parse(query, "site", "vlan");
        return new Items<>(queries.subnets(parameters.site(), parameters.vlan()));
    }

    /** GET /api/v1/subnets/{subnetId}[?site=]. */
    public SubnetView subnet(@Header(Exchange.HTTP_PATH) String path, @Header(Exchange.HTTP_QUERY) String query) {
        QueryParameters parameters = QueryParameters.parse(query, "site");
        return locator.locate(PathParameters.match(SUBNET, path).positiveLong("subnetId"), parameters.site());
    }

    /** GET /api/v1/subnets/{subnetId}/hosts: in address order, paged by cursor. */
    public Page<HostView> hosts(@Header(Exchange.HTTP_PATH) String path, @Header(Exchange.HTTP_QUERY) String query) {
        QueryParameters parameters = QueryParameters.parse(query, "site", "status", "limit", "cursor");
        String status = parameters.text("status") == null ? null : parameters.oneOf("status", null, "up", "gone");
        int limit = parameters.limit();
        String cursor = parameters.cursor();
        SubnetView subnet = locator.locate(PathParameters.match(HOSTS, path).positiveLong("subnetId"), parameters.site());
        try {
            return queries.hosts(subnet.site(), subnet.subnetId(), status, cursor, limit);
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("query parameter 'cursor': " + e.getMessage());
        }
    }

    /** GET /api/v1/subnets/{subnetId}/hosts/{address}: the host, its ports, MACs, names and services over time. */
    public HostHistory host(@Header(Exchange.HTTP_PATH) String path, @Header(Exchange.HTTP_QUERY) String query) {
        QueryParameters parameters = QueryParameters.parse(query, "site");
        PathParameters parts = PathParameters.match(HOST, path);
        long subnetId = parts.positiveLong("subnetId");
        HostAddress address = parts.address("address");
        SubnetView subnet = locator.locate(subnetId, parameters.site());
        return queries.host(subnet.site(), subnetId, address).orElseThrow(() ->
                ApiError.notFound("no host " + address + " is known on subnet " + subnetId + " of site '" + subnet.site() + "'"));
    }
}
