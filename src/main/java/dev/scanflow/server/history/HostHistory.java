package dev.scanflow.server.history;

import dev.scanflow.report.ScannedPort.Service;
import java.time.Instant;
import java.util.List;

/**
 * Everything the history holds about one host: its state, every port ever open, its MACs and names over
 * time and the services of its ports over time. Its changes are listed with a {@link ChangeQuery} on its
 * address.
 */
public record HostHistory(HostView host, List<PortView> ports, List<IdentityPeriod> identities,
                          List<ServicePeriod> services) {

    public HostHistory {
        ports = List.copyOf(ports);
        identities = List.copyOf(identities);
        services = List.copyOf(services);
    }

    /** A MAC or host name and when it was the host's; {@code until} null while it still is. */
    public record IdentityPeriod(String kind, String value, Instant from, Instant until) {
    }

    /** A port's service and when; {@code until} null while it still is. */
    public record ServicePeriod(String protocol, int port, Service service, Instant from, Instant until) {
    }
}
