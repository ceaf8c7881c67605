package dev.scanflow.report;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * One port of a host as the scanner saw it (format version 2). {@code state} is nmap's (open, closed,
 * filtered, unfiltered, open|filtered, closed|filtered); {@code service} only when -sV named it;
 * {@code scripts} is NSE output kept raw, by script id.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ScannedPort(String protocol, int port, String state, String reason, Service service,
                          Map<String, String> scripts) {

    public ScannedPort {
        scripts = scripts == null || scripts.isEmpty() ? null : Map.copyOf(scripts);
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Service(String name, String product, String version, String extraInfo, String tunnel,
                          List<String> cpes) {

        public Service {
            cpes = cpes == null ? List.of() : List.copyOf(cpes);
        }
    }
}
