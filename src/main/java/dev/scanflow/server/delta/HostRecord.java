package dev.scanflow.server.delta;

import dev.scanflow.report.ScannedPort.Service;
import java.util.Arrays;

/**
 * What ScanFlow believes about one host of one subnet: status, consecutive covering misses, MAC, host name,
 * and its open ports with their misses and services.
 *
 * <p>A class with parallel primitive arrays rather than a record with a list of port objects: the state of
 * a big subnet is a million (address, port) pairs, and this keeps one port at about 4 bytes (plus a shared
 * service reference when -sV named it) instead of an object of 30 or more. Immutable: the arrays are never
 * written after construction and never handed out, so states can share unchanged records.
 *
 * <p>Only open ports are kept, including those a covering scan has missed fewer than N times. A port
 * confirmed closed leaves the record (the history keeps it); "closed" and "never seen" need no memory here.
 */
public final class HostRecord {

    static final int[] NO_KEYS = new int[0];

    final long high;
    final long low;
    final HostStatus status;
    final int misses;
    final long mac;
    final String hostname;
    final int[] portKeys;
    /** Consecutive covering misses per port; null when all are zero, the usual case. */
    final byte[] portMisses;
    /** Service per port; null when no port has one. */
    final Service[] services;

    HostRecord(long high, long low, HostStatus status, int misses, long mac, String hostname, int[] portKeys,
               byte[] portMisses, Service[] services) {
        this.high = high;
        this.low = low;
        this.status = status;
        this.misses = misses;
        this.mac = mac;
        this.hostname = hostname;
        this.portKeys = portKeys;
        this.portMisses = portMisses;
        this.services = services;
    }

    /** A record as the history stores it; ports given as parallel lists, in any order. */
    public static HostRecord restore(HostAddress address, HostStatus status, int misses, String mac, String hostname,
                                     int[] portKeys, int[] portMisses, Service[] services) {
        int n = portKeys.length;
        if (portMisses.length != n || services.length != n) {
            throw new IllegalArgumentException("port arrays of different lengths");
        }
        long[] order = new long[n];
        for (int i = 0; i < n; i++) {
            order[i] = ((long) portKeys[i] << 32) | i;
        }
        Arrays.sort(order);
        int[] keys = new int[n];
        byte[] missArray = null;
        Service[] serviceArray = null;
        for (int i = 0; i < n; i++) {
            int from = (int) order[i];
            keys[i] = portKeys[from];
            if (i > 0 && keys[i] == keys[i - 1]) {
                throw new IllegalArgumentException("port " + PortKey.toString(keys[i]) + " twice on " + address);
            }
            if (portMisses[from] != 0) {
                missArray = missArray == null ? new byte[n] : missArray;
                missArray[i] = (byte) Math.min(portMisses[from], Byte.MAX_VALUE);
            }
            if (services[from] != null) {
                serviceArray = serviceArray == null ? new Service[n] : serviceArray;
                serviceArray[i] = services[from];
            }
        }
        return new HostRecord(address.high(), address.low(), status, misses, MacAddress.parse(mac), hostname,
                n == 0 ? NO_KEYS : keys, missArray, serviceArray);
    }

    public HostAddress address(int version) {
        return new HostAddress(version, high, low);
    }

    public HostStatus status() {
        return status;
    }

    /** Consecutive covering scans that missed this host while it was up; 0 once seen or gone. */
    public int misses() {
        return misses;
    }

    /** Upper-case MAC, or null when no scan has seen one. */
    public String mac() {
        return MacAddress.format(mac);
    }

    public String hostname() {
        return hostname;
    }

    public int portCount() {
        return portKeys.length;
    }

    public int portKey(int index) {
        return portKeys[index];
    }

    public String protocol(int index) {
        return PortKey.protocol(portKeys[index]);
    }

    public int port(int index) {
        return PortKey.port(portKeys[index]);
    }

    public int portMisses(int index) {
        return portMisses == null ? 0 : portMisses[index];
    }

    public Service service(int index) {
        return services == null ? null : services[index];
    }

    /** The index of a port key, or a negative number when the port is not open here. */
    public int indexOf(int portKey) {
        return Arrays.binarySearch(portKeys, portKey);
    }

    public boolean hasOpen(String protocol, int port) {
        return indexOf(PortKey.of(protocol, port)) >= 0;
    }

    /** Same host, status, misses, identity and ports (keys, misses, services), whatever the instance. */
    public boolean sameAs(HostRecord other) {
        return other != null && high == other.high && low == other.low && status == other.status
                && misses == other.misses && mac == other.mac && java.util.Objects.equals(hostname, other.hostname)
                && Arrays.equals(portKeys, other.portKeys) && Arrays.equals(portMissesOrZeros(), other.portMissesOrZeros())
                && Arrays.equals(servicesOrNulls(), other.servicesOrNulls());
    }

    private byte[] portMissesOrZeros() {
        return portMisses == null ? new byte[portKeys.length] : portMisses;
    }

    private Service[] servicesOrNulls() {
        return services == null ? new Service[portKeys.length] : services;
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder("HostRecord[").append(high).append(':').append(low).append(' ')
                .append(status).append(misses > 0 ? " misses=" + misses : "")
                .append(mac == MacAddress.NONE ? "" : " mac=" + mac()).append(hostname == null ? "" : " " + hostname);
        for (int i = 0; i < portKeys.length; i++) {
            out.append(' ').append(PortKey.toString(portKeys[i]));
            if (portMisses(i) > 0) {
                out.append("(missed ").append(portMisses(i)).append(')');
            }
        }
        return out.append(']').toString();
    }
}
