package dev.scanflow.server.alert;

import dev.scanflow.server.delta.HostAddress;
import dev.scanflow.server.delta.SubnetKey;
import java.util.Objects;

/**
 * The one thing an alert is about: at most one alert row exists per key, so there is never a second open
 * alert for the same thing. The site and subnet are part of it: a port closing on one network can never
 * resolve another network's alert for the same address (Port Scanner Delta Reporter's bug).
 *
 * @param protocol null for host alerts
 * @param port     -1 for host alerts
 */
public record AlertKey(SubnetKey subnet, AlertKind kind, HostAddress address, String protocol, int port) {

    public AlertKey {
        Objects.requireNonNull(subnet, "subnet");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(address, "address");
        if ((protocol == null) != (port < 0)) {
            throw new IllegalArgumentException("a port alert needs protocol and port, a host alert neither");
        }
    }

    public static AlertKey host(SubnetKey subnet, AlertKind kind, HostAddress address) {
        return new AlertKey(subnet, kind, address, null, -1);
    }

    public static AlertKey port(SubnetKey subnet, AlertKind kind, HostAddress address, String protocol, int port) {
        return new AlertKey(subnet, kind, address, protocol, port);
    }

    /** The key within its subnet, as stored: "port|10.0.0.5|tcp/23", "new-host|10.0.0.7". */
    public String thing() {
        return kind.label() + "|" + address + (protocol == null ? "" : "|" + protocol + "/" + port);
    }

    @Override
    public String toString() {
        return subnet + " " + thing();
    }
}
