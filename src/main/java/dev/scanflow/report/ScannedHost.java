package dev.scanflow.report;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** One host of a report, as the scanner saw it. {@code state} is nmap's: up, down, unknown or skipped. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ScannedHost(String address, String state, String mac, String macVendor, List<String> hostnames) {

    public ScannedHost {
        hostnames = hostnames == null ? List.of() : List.copyOf(hostnames);
    }

    @JsonIgnore
    public boolean isUp() {
        return "up".equals(state);
    }
}
