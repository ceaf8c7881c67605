package dev.scanflow.server.delta;

import dev.scanflow.report.ScannedHost;
import dev.scanflow.report.ScannedPort;
import dev.scanflow.report.ScannedPort.Service;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;

/**
 * One host as an observation saw it, reduced to what the delta needs. Port states fall into three groups:
 * <ul>
 *   <li>{@code open}: open (with the service, when -sV named it);</li>
 *   <li>{@code closed}: nmap's "closed", a RST from the host itself: the port answered that it is closed;</li>
 *   <li>{@code missed}: "filtered" and "closed|filtered": no answer, which is also what a dropped packet
 *       looks like, so it counts towards the N misses;</li>
 * </ul>
 * "open|filtered" and "unfiltered" say neither open nor closed: they are kept apart as {@code inconclusive},
 * so that the coverage of the probe does not turn them into misses either. Ports are only read
 * from hosts reported up; a host nmap did not find up had no port probed.
 */
public final class ObservedHost {

    private static final int[] NO_PORTS = new int[0];

    final long high;
    final long low;
    final Liveness liveness;
    final long mac;
    final String macVendor;
    final String hostname;
    final int[] openKeys;
    /** Parallel to openKeys, null when no open port has a service. */
    final Service[] services;
    final int[] closedKeys;
    final int[] missedKeys;
    final int[] inconclusiveKeys;

    ObservedHost(long high, long low, Liveness liveness, long mac, String macVendor, String hostname, int[] openKeys,
                 Service[] services, int[] closedKeys, int[] missedKeys, int[] inconclusiveKeys) {
        this.high = high;
        this.low = low;
        this.liveness = liveness;
        this.mac = mac;
        this.macVendor = macVendor;
        this.hostname = hostname;
        this.openKeys = openKeys;
        this.services = services;
        this.closedKeys = closedKeys;
        this.missedKeys = missedKeys;
        this.inconclusiveKeys = inconclusiveKeys;
    }

    /**
     * @param distinct one instance per distinct service seen so far in the report, filled here: a report of a
     *                 thousand hosts running the same sshd holds one object for it, not a thousand equal ones
     */
    static ObservedHost of(HostAddress address, ScannedHost host, Map<Service, Service> distinct) {
        Liveness liveness = Liveness.of(host.state());
        String hostname = host.hostnames().isEmpty() ? null : host.hostnames().get(0);
        if (liveness != Liveness.UP || host.ports() == null) {
            return new ObservedHost(address.high(), address.low(), liveness, MacAddress.parse(host.mac()),
                    host.macVendor(), hostname, NO_PORTS, null, NO_PORTS, NO_PORTS, NO_PORTS);
        }
        int n = host.ports().size();
        long[] open = new long[n];
        int[] closed = new int[n];
        int[] missed = new int[n];
        int[] inconclusive = new int[n];
        int openCount = 0;
        int closedCount = 0;
        int missedCount = 0;
        int inconclusiveCount = 0;
        for (int i = 0; i < n; i++) {
            ScannedPort port = host.ports().get(i);
            int key = PortKey.of(port.protocol(), port.port());
            switch (port.state()) {
                // key in the high half, report position in the low: sorting keeps each key's first report
                case "open" -> open[openCount++] = ((long) key << 32) | i;
                case "closed" -> closed[closedCount++] = key;
                case "filtered", "closed|filtered" -> missed[missedCount++] = key;
                // open|filtered, unfiltered: nmap could not tell, so neither can we
                default -> inconclusive[inconclusiveCount++] = key;
            }
        }
        Arrays.sort(open, 0, openCount);
        int[] openKeys = new int[openCount];
        Service[] services = null;
        int unique = 0;
        for (int i = 0; i < openCount; i++) {
            int key = (int) (open[i] >>> 32);
            if (unique > 0 && openKeys[unique - 1] == key) {
                continue;
            }
            Service service = meaningful(host.ports().get((int) open[i]).service());
            if (service != null) {
                service = distinct.computeIfAbsent(service, same -> same);
                if (services == null) {
                    services = new Service[openCount];
                }
                services[unique] = service;
            }
            openKeys[unique++] = key;
        }
        openKeys = unique == openCount ? openKeys : Arrays.copyOf(openKeys, unique);
        if (services != null && services.length != unique) {
            services = Arrays.copyOf(services, unique);
        }
        return new ObservedHost(address.high(), address.low(), liveness, MacAddress.parse(host.mac()), host.macVendor(),
                hostname, openKeys, services, without(closed, closedCount, openKeys), without(missed, missedCount, openKeys),
                without(inconclusive, inconclusiveCount, openKeys));
    }

    /** A service with nothing in it says nothing: treated as "no -sV", never as a change. */
    static Service meaningful(Service service) {
        if (service == null) {
            return null;
        }
        boolean empty = service.name() == null && service.product() == null && service.version() == null
                && service.extraInfo() == null && service.tunnel() == null && service.cpes().isEmpty();
        return empty ? null : service;
    }

    /** Sorted, distinct keys of {@code keys[0..count)} that are not open: open wins over any other report. */
    private static int[] without(int[] keys, int count, int[] open) {
        if (count == 0) {
            return NO_PORTS;
        }
        Arrays.sort(keys, 0, count);
        int out = 0;
        for (int i = 0; i < count; i++) {
            int key = keys[i];
            if ((out > 0 && keys[out - 1] == key) || Arrays.binarySearch(open, key) >= 0) {
                continue;
            }
            keys[out++] = key;
        }
        return Arrays.copyOf(keys, out);
    }

    /** Two reports of one host (two chunks, or twice in one report): what either saw up or open wins. */
    static ObservedHost merge(ObservedHost a, ObservedHost b) {
        Liveness liveness = a.liveness == Liveness.UP || b.liveness == Liveness.UP ? Liveness.UP
                : a.liveness == Liveness.DOWN || b.liveness == Liveness.DOWN ? Liveness.DOWN : Liveness.UNKNOWN;
        long mac = a.mac != MacAddress.NONE ? a.mac : b.mac;
        String vendor = a.mac != MacAddress.NONE ? a.macVendor : b.macVendor;
        String hostname = a.hostname != null ? a.hostname : b.hostname;
        int[] keys = new int[a.openKeys.length + b.openKeys.length];
        Service[] services = new Service[keys.length];
        int i = 0;
        int j = 0;
        int n = 0;
        boolean anyService = false;
        while (i < a.openKeys.length || j < b.openKeys.length) {
            int ka = i < a.openKeys.length ? a.openKeys[i] : Integer.MAX_VALUE;
            int kb = j < b.openKeys.length ? b.openKeys[j] : Integer.MAX_VALUE;
            Service service;
            if (ka <= kb) {
                service = a.service(i);
                if (service == null && ka == kb) {
                    service = b.service(j);
                }
                keys[n] = ka;
                i++;
                if (ka == kb) {
                    j++;
                }
            } else {
                service = b.service(j);
                keys[n] = kb;
                j++;
            }
            services[n] = service;
            anyService |= service != null;
            n++;
        }
        int[] open = Arrays.copyOf(keys, n);
        return new ObservedHost(a.high, a.low, liveness, mac, vendor, hostname, open,
                anyService ? Arrays.copyOf(services, n) : null,
                union(a.closedKeys, b.closedKeys, open), union(a.missedKeys, b.missedKeys, open),
                union(a.inconclusiveKeys, b.inconclusiveKeys, open));
    }

    private static int[] union(int[] a, int[] b, int[] open) {
        int[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return without(all, all.length, open);
    }

    /** Same address and the same things seen, for the kept-chunk format's tests. */
    @Override
    public boolean equals(Object other) {
        return other instanceof ObservedHost host && high == host.high && low == host.low && liveness == host.liveness
                && mac == host.mac && Objects.equals(macVendor, host.macVendor) && Objects.equals(hostname, host.hostname)
                && Arrays.equals(openKeys, host.openKeys) && Arrays.equals(services, host.services)
                && Arrays.equals(closedKeys, host.closedKeys) && Arrays.equals(missedKeys, host.missedKeys)
                && Arrays.equals(inconclusiveKeys, host.inconclusiveKeys);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(high) * 31 + Long.hashCode(low);
    }

    Service service(int index) {
        return services == null ? null : services[index];
    }

    public HostAddress address(int version) {
        return new HostAddress(version, high, low);
    }

    public Liveness liveness() {
        return liveness;
    }

    public String mac() {
        return MacAddress.format(mac);
    }

    public String macVendor() {
        return macVendor;
    }

    public String hostname() {
        return hostname;
    }

    /** Whether the observation saw this port open; the history counts it as seen. */
    public boolean sawOpen(int portKey) {
        return Arrays.binarySearch(openKeys, portKey) >= 0;
    }

    public int openPortCount() {
        return openKeys.length;
    }

    public int openPortKey(int index) {
        return openKeys[index];
    }
}
