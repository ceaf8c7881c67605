package dev.scanflow.agent.scan;

import java.util.List;

/** One {@code <host>} of nmap's XML. Addresses by family; {@code mac} and {@code macVendor} only on-link. */
public record NmapHost(String state, String reason, String ipv4, String ipv6, String mac, String macVendor,
                       List<String> hostnames, List<NmapPort> ports) {

    public NmapHost {
        hostnames = List.copyOf(hostnames);
        ports = List.copyOf(ports);
    }

    public String address() {
        return ipv4 != null ? ipv4 : ipv6;
    }
}
