package dev.scanflow.lab;

/**
 * One lab host: its own network namespace with a veth {@code e0} on the lab bridge.
 *
 * @param name      short name inside the lab, e.g. {@code h11}
 * @param namespace the network namespace, e.g. {@code sfl3a9c1-h11}
 * @param ipv4      its IPv4 address, e.g. {@code 198.18.0.11}
 * @param mac       the current MAC of {@code e0}, lower case with colons, e.g. {@code 02:5f:00:00:00:0b}
 * @param ipv6      its IPv6 address (documentation space, e.g. {@code 2001:db8:5f::11}), or null when the lab
 *                  was built without IPv6
 */
public record LabHost(String name, String namespace, String ipv4, String mac, String ipv6) {

    /** The last octet of {@link #ipv4()}. */
    public int octet() {
        return Integer.parseInt(ipv4.substring(ipv4.lastIndexOf('.') + 1));
    }

    public boolean hasIpv6() {
        return ipv6 != null;
    }

    LabHost withMac(String newMac) {
        return new LabHost(name, namespace, ipv4, newMac, ipv6);
    }
}
