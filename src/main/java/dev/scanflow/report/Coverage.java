package dev.scanflow.report;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * What a scan probed, so that "not scanned" is never read as "closed" or "gone".
 *
 * @param hostTargets addresses (CIDRs) whose liveness was probed: a host inside them that is not in the
 *                    report was not seen; a host outside them is unknown
 * @param ports       port probes: which ports of which protocol were probed on which targets
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Coverage(List<String> hostTargets, List<PortProbe> ports) {

    public Coverage {
        hostTargets = hostTargets == null ? List.of() : List.copyOf(hostTargets);
        ports = ports == null ? List.of() : List.copyOf(ports);
    }

    /**
     * @param protocol tcp or udp
     * @param ports    port list in nmap syntax: "22,80,8000-8100"
     * @param targets  CIDRs or single addresses the ports were probed on
     */
    public record PortProbe(String protocol, String ports, List<String> targets) {

        public PortProbe {
            targets = List.copyOf(targets);
        }
    }
}
