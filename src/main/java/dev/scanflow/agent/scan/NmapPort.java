package dev.scanflow.agent.scan;

import java.util.List;
import java.util.Map;

/** One {@code <port>}: its state and, with -sV, the service nmap named; NSE output kept raw by script id. */
public record NmapPort(String protocol, int number, String state, String reason, String serviceName,
                       String product, String version, String extraInfo, String tunnel, List<String> cpes,
                       Map<String, String> scripts) {

    public NmapPort {
        cpes = List.copyOf(cpes);
        scripts = Map.copyOf(scripts);
    }
}
