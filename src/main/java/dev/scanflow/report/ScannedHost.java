package dev.scanflow.report;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * One host of a report, as the scanner saw it. {@code state} is nmap's: up, down, unknown or skipped.
 * {@code ports} (format version 2) lists the ports probed on it that the scanner reported.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ScannedHost(String address, String state, String mac, String macVendor, List<String> hostnames,
                          List<ScannedPort> ports) {

    public ScannedHost {
        hostnames = hostnames == null ? List.of() : List.copyOf(hostnames);
        ports = ports == null || ports.isEmpty() ? null : List.copyOf(ports);
    }

    public ScannedHost(String address, String state, String mac, String macVendor, List<String> hostnames) {
        this(address, state, mac, macVendor, hostnames, null);
    }

    @JsonIgnore
    public boolean isUp() {
        return "up".equals(state);
    }

    @JsonIgnore
    public List<ScannedPort> portList() {
        return ports == null ? List.of() : ports;
    }
}
