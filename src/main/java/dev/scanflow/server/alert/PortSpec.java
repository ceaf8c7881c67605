package dev.scanflow.server.alert;

import dev.scanflow.server.delta.PortKey;

/**
 * A port or port range of one protocol, as the rules file writes it: "tcp/22", "udp/161", "tcp/8000-8100",
 * or a bare "22" for TCP.
 */
public record PortSpec(String protocol, int first, int last) {

    public PortSpec {
        PortKey.protocolIndex(protocol);
        if (first < 0 || last > 65535 || last < first) {
            throw new IllegalArgumentException("port range " + first + "-" + last + " is not within 0-65535");
        }
    }

    public static PortSpec parse(String text) {
        String spec = text == null ? "" : text.strip();
        int slash = spec.indexOf('/');
        String protocol = slash < 0 ? "tcp" : spec.substring(0, slash);
        String ports = slash < 0 ? spec : spec.substring(slash + 1);
        try {
            int dash = ports.indexOf('-');
            int first = Integer.parseInt(dash < 0 ? ports : ports.substring(0, dash));
            int last = dash < 0 ? first : Integer.parseInt(ports.substring(dash + 1));
            return new PortSpec(protocol, first, last);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a port: write tcp/22, udp/161 or tcp/8000-8100");
        }
    }

    public boolean matches(String portProtocol, int port) {
        return protocol.equals(portProtocol) && port >= first && port <= last;
    }

    @Override
    public String toString() {
        return protocol + "/" + first + (last == first ? "" : "-" + last);
    }
}
