package dev.scanflow.agent.phpipam;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One row of phpIPAM's subnets list as the API returns it: {@code subnet} dotted or compressed IPv6 text,
 * {@code mask} a string ("24"; "" for folders), every flag 0/1 as a number or a string.
 * Only the columns that decide what an agent does are kept.
 */
public record ApiSubnet(long id, String subnet, String mask, String description, long masterSubnetId,
                        Long scanAgent, boolean isFolder, boolean isPool, boolean pingSubnet,
                        boolean discoverSubnet, boolean resolveDns, Long nameserverId) {

    static ApiSubnet from(JsonNode row) {
        Long id = ApiValues.number(row, "id");
        if (id == null) {
            throw new PhpipamApiException(200, "phpIPAM answered a subnet without an id");
        }
        return new ApiSubnet(id,
                ApiValues.text(row, "subnet"),
                ApiValues.text(row, "mask"),
                ApiValues.text(row, "description"),
                ApiValues.number(row, "masterSubnetId", 0),
                ApiValues.number(row, "scanAgent"),
                ApiValues.flag(row, "isFolder"),
                ApiValues.flag(row, "isPool"),
                ApiValues.flag(row, "pingSubnet"),
                ApiValues.flag(row, "discoverSubnet"),
                ApiValues.flag(row, "resolveDNS"),
                ApiValues.number(row, "nameserverId"));
    }

    /** "10.10.1.0/24" as phpIPAM shows it, for logs; the raw texts even when they do not parse. */
    public String display() {
        return (subnet == null ? "?" : subnet) + "/" + (mask == null || mask.isBlank() ? "?" : mask);
    }
}
