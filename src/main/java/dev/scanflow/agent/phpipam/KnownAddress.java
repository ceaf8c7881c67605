package dev.scanflow.agent.phpipam;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scanflow.net.IpAddress;

/**
 * An address phpIPAM already has in a subnet (subnets/{id}/addresses/, keys remapped by the API:
 * {@code ip} for ip_addr, {@code tag} for state).
 *
 * @param id          ipaddresses.id
 * @param ip          the address
 * @param hostname    its host name, null or empty when phpIPAM has none
 * @param excludePing 1 = "exclude from ping": phpIPAM's status check leaves it alone
 * @param tag         ipaddresses.state (1 Offline, 2 Used, 3 Reserved, 4 DHCP), null when not sent
 */
public record KnownAddress(long id, IpAddress ip, String hostname, boolean excludePing, Integer tag) {

    /** Null when the row has no id or no literal address (logged and skipped by the caller). */
    static KnownAddress from(JsonNode row) {
        Long id = ApiValues.number(row, "id");
        String ip = ApiValues.text(row, "ip");
        if (ip == null || ip.isBlank()) {
            ip = ApiValues.text(row, "ip_addr"); // the raw key, should a phpIPAM version not remap it
        }
        if (id == null || ip == null || !(ip.contains(".") || ip.contains(":"))) {
            return null;
        }
        IpAddress address;
        try {
            address = IpAddress.parse(ip);
        } catch (IllegalArgumentException e) {
            return null;
        }
        Long tag = ApiValues.number(row, "tag");
        if (tag == null) {
            tag = ApiValues.number(row, "state");
        }
        return new KnownAddress(id, address, ApiValues.text(row, "hostname"), ApiValues.flag(row, "excludePing"),
                tag == null ? null : tag.intValue());
    }

    public boolean hasHostname() {
        return hostname != null && !hostname.isBlank();
    }
}
