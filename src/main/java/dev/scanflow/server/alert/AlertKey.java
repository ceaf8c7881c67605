package dev.scanflow.server.alert;

import dev.scanflow.server.delta.HostAddress;
import dev.scanflow.server.delta.SubnetKey;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The one thing an alert is about: at most one alert row exists per key, so there is never a second open
 * alert for the same thing. The site and subnet are part of it: a port closing on one network can never
 * resolve another network's alert for the same address (Port Scanner Delta Reporter's bug).
 *
 * <p>A {@link AlertKind#TRAFFIC} alert is about a traffic test (a pair of hosts, by the test's name) instead:
 * it has no subnet and no single address.
 *
 * @param subnet   the tracked subnet; null for traffic alerts
 * @param address  the address; null for traffic alerts
 * @param protocol null for host and traffic alerts
 * @param port     -1 for host and traffic alerts
 * @param pair     the traffic test's name for traffic alerts, else null
 */
public record AlertKey(SubnetKey subnet, AlertKind kind, HostAddress address, String protocol, int port, String pair) {

    /** A traffic test's name, as dev.scanflow.traffic.TrafficTest allows it (kept here: alerts import no runner). */
    private static final Pattern PAIR = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    public AlertKey {
        Objects.requireNonNull(kind, "kind");
        if (kind == AlertKind.TRAFFIC) {
            if (pair == null || !PAIR.matcher(pair).matches() || subnet != null || address != null || protocol != null || port >= 0) {
                throw new IllegalArgumentException("a traffic alert names its pair (a test name) and no subnet, address or port");
            }
        } else {
            Objects.requireNonNull(subnet, "subnet");
            Objects.requireNonNull(address, "address");
            if (pair != null) {
                throw new IllegalArgumentException("only a traffic alert names a pair");
            }
            if ((protocol == null) != (port < 0)) {
                throw new IllegalArgumentException("a port alert needs protocol and port, a host alert neither");
            }
        }
    }

    /** A key of a subnet's alert (port, new host, MAC or service change). */
    public AlertKey(SubnetKey subnet, AlertKind kind, HostAddress address, String protocol, int port) {
        this(subnet, kind, address, protocol, port, null);
    }

    public static AlertKey host(SubnetKey subnet, AlertKind kind, HostAddress address) {
        return new AlertKey(subnet, kind, address, null, -1);
    }

    public static AlertKey port(SubnetKey subnet, AlertKind kind, HostAddress address, String protocol, int port) {
        return new AlertKey(subnet, kind, address, protocol, port);
    }

    /** The key of a traffic test's alert: one per test name. */
    public static AlertKey traffic(String pair) {
        return new AlertKey(null, AlertKind.TRAFFIC, null, null, -1, pair);
    }

    /** Whether this alert belongs to a traffic pair rather than a tracked subnet. */
    public boolean isTraffic() {
        return kind == AlertKind.TRAFFIC;
    }

    /** The key within its subnet (or pair), as stored: "port|10.0.0.5|tcp/23", "new-host|10.0.0.7", "traffic". */
    public String thing() {
        if (isTraffic()) {
            return kind.label();
        }
        return kind.label() + "|" + address + (protocol == null ? "" : "|" + protocol + "/" + port);
    }

    @Override
    public String toString() {
        return (isTraffic() ? "pair " + pair : subnet.toString()) + " " + thing();
    }
}
