package dev.scanflow.agent.phpipam;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Row conversions that skip and log what cannot be used, rather than fail the whole answer. */
final class ApiRows {

    private static final Logger LOG = LoggerFactory.getLogger(PhpipamApi.class);

    private ApiRows() {
    }

    static List<KnownAddress> addresses(long subnetId, ApiResult result) {
        List<KnownAddress> addresses = new ArrayList<>();
        for (JsonNode row : result.rows()) {
            KnownAddress address = KnownAddress.from(row);
            if (address == null) {
                LOG.warn("phpIPAM subnet {}: address row without id or literal IP skipped (id={}, ip={})",
                        subnetId, row.path("id"), row.has("ip") ? row.path("ip") : row.path("ip_addr"));
            } else {
                addresses.add(address);
            }
        }
        return addresses;
    }
}
