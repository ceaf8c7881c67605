package dev.scanflow.agent.scan;

import dev.scanflow.report.PortList;
import java.util.List;

/**
 * Addresses that masscan found open on exactly these ports (all of their open ports, or one of them; see
 * {@link ServiceScanGroups}): one nmap -sV run probes each of them on exactly those ports, so nmap looks at no
 * (address, port) pair masscan did not report.
 */
public record ServiceScanGroup(int ipVersion, List<String> addresses, PortList ports) {

    public ServiceScanGroup {
        addresses = List.copyOf(addresses);
    }
}
