package dev.scanflow.agent.phpipam;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The read-only calls a scan agent makes on phpIPAM's REST API (docs/phpipam.md §3.4). {@link #get} is the
 * one primitive; {@link PhpipamApiClient} does it over HTTP, {@link WorkCache} answers it from disk where it
 * can. Every typed call treats phpIPAM's 404 "no results" as empty.
 */
public interface PhpipamApi {

    /** One GET; throws {@link PhpipamApiException} (or a subclass) when phpIPAM cannot answer. */
    ApiResult get(ApiRequest request);

    /**
     * The agent's own row: {@code tools/scanagents/?filter_by=code&filter_value={code}}. phpIPAM's filter
     * compares loosely (PHP !=), so a returned row whose code differs is not taken.
     */
    default Optional<PhpipamAgent> agentByCode(String code) {
        for (JsonNode row : get(ApiRequest.filtered("tools/scanagents/", "code", code)).rows()) {
            String rowCode = ApiValues.text(row, "code");
            if (rowCode == null || rowCode.equals(code)) {
                return Optional.of(PhpipamAgent.from(row));
            }
        }
        return Optional.empty();
    }

    /**
     * The subnets assigned to the agent: {@code subnets/?filter_by=scanAgent&filter_value={id}}, every kind
     * (parents, IPv6, ones with no scan flag); phpIPAM itself already drops folders from this list.
     */
    default List<ApiSubnet> subnetsOfAgent(long agentId) {
        List<ApiSubnet> subnets = new ArrayList<>();
        for (JsonNode row : get(ApiRequest.filtered("subnets/", "scanAgent", Long.toString(agentId))).rows()) {
            ApiSubnet subnet = ApiSubnet.from(row);
            if (subnet.scanAgent() == null || subnet.scanAgent() == agentId) {
                subnets.add(subnet);
            }
        }
        return subnets;
    }

    /** Whether phpIPAM has child subnets under this one: {@code subnets/{id}/slaves/}, 404 "No slaves" = none. */
    default boolean hasChildSubnets(long subnetId) {
        return !get(ApiRequest.of("subnets/" + subnetId + "/slaves/")).rows().isEmpty();
    }

    /**
     * The addresses phpIPAM has in a subnet: {@code subnets/{id}/addresses/}, 404 "No addresses found" = none.
     * Rows without an id or a literal address are left out (and logged).
     */
    default List<KnownAddress> addresses(long subnetId) {
        return ApiRows.addresses(subnetId, get(ApiRequest.of("subnets/" + subnetId + "/addresses/")));
    }

    /** A nameserver set: {@code tools/nameservers/{id}/}; empty when phpIPAM has none by that id. */
    default Optional<Nameservers> nameservers(long nameserverId) {
        List<JsonNode> rows = get(ApiRequest.of("tools/nameservers/" + nameserverId + "/")).rows();
        return rows.isEmpty() ? Optional.empty() : Optional.of(Nameservers.from(rows.get(0)));
    }
}
