package dev.scanflow.server.delta;

import dev.scanflow.report.ScannedPort.Service;
import dev.scanflow.server.delta.Change.ClosedBy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Compares one observation of a (site, subnet) with what was known and says what changed. A plain bean
 * with no state of its own: {@code apply(state, observation)} returns the changes and the next state, and
 * the caller decides when that state becomes current (after the history has stored it).
 *
 * <p>The rules, following ndiff's "unknown is not closed" (docs in ../shared/docs/peers.md §4.1, §8):
 * <ul>
 *   <li>What an observation reports is a fact: a host up is up, a port open is open, wherever it is.</li>
 *   <li>An absence means something only inside the observation's coverage: a known host the observation
 *       does not mention is missed only if its address is in the liveness coverage; a known open port is
 *       missed only if a port probe covered that protocol, port and address. Outside, nothing changes.</li>
 *   <li>A host reported down, and a port reported filtered or closed|filtered, count as misses too; a host
 *       reported unknown or skipped, and a port reported open|filtered or unfiltered, say nothing.</li>
 *   <li>Ports are read only from hosts reported up: a host that was down had no port probed, and neither
 *       had a host absent from an observation that probed its liveness (nmap without -Pn probes the ports of
 *       up hosts only). A host absent from an observation that did not probe its liveness but whose address
 *       is inside a port probe had its ports probed and none answered (masscan lists only hosts with open
 *       ports), so they are missed.</li>
 *   <li>A host up or a port open is gone or closed only after {@link DeltaPolicy#confirmMisses()} consecutive
 *       covering misses; a sighting resets the count, an observation that does not cover it leaves it.</li>
 *   <li>A port reported "closed" is closed at once (see {@link DeltaPolicy#closedConfirmsAtOnce()}).</li>
 *   <li>MAC and host name change only from one known value to another: a scan that saw no MAC (a host
 *       behind a router) or resolved no name (nmap -n) says nothing about them. A first value is learned
 *       quietly, as is a first service on a port opened without -sV.</li>
 *   <li>A host confirmed gone has no open ports: its ports leave the state with it, each closed
 *       {@link ClosedBy#HOST_GONE} (so the history closes them and their alerts resolve), as a network
 *       engineer reads "gone". Ports seen on its return open again.</li>
 * </ul>
 * Observations are applied in the order they are given (the per-subnet aggregator passes them as they
 * complete), so a long port scan that overlaps a later discovery still counts. One that ended before the
 * newest applied observation started is out of order: it is recorded (its scan id is used up) but changes
 * nothing, since what it saw is older than what is known.
 */
public final class DeltaEngine {

    private final DeltaPolicy policy;

    public DeltaEngine(DeltaPolicy policy) {
        this.policy = Objects.requireNonNull(policy, "policy");
    }

    public DeltaEngine() {
        this(DeltaPolicy.DEFAULT);
    }

    public DeltaPolicy policy() {
        return policy;
    }

    public DeltaResult apply(SubnetState state, Observation observation) {
        if (!observation.subnet().equals(state.cidr())) {
            throw new IllegalArgumentException("observation of " + observation.subnet() + " cannot apply to "
                    + state.key() + " (" + state.cidr() + ")");
        }
        if (state.lastScanStart() != null && observation.scanEnd().isBefore(state.lastScanStart())) {
            SubnetState same = new SubnetState(state.key(), state.cidr(), state.version() + 1, state.lastScanId(),
                    state.lastScanStart(), state.hostArray());
            return new DeltaResult(state, same, observation, List.of(), List.of(), true);
        }
        return new Run(state, observation).run();
    }

    /** One application: scratch buffers and the output, so the engine itself stays shareable. */
    private final class Run {

        private final SubnetState state;
        private final Observation observation;
        private final ScanCoverage coverage;
        private final int version;
        private final List<Change> changes = new ArrayList<>();
        private final List<HostDelta> touched = new ArrayList<>();
        private Map<Service, Service> services;
        private int[] keys = new int[64];
        private byte[] misses = new byte[64];
        private Service[] portServices = new Service[64];

        Run(SubnetState state, Observation observation) {
            this.state = state;
            this.observation = observation;
            this.coverage = observation.coverage();
            this.version = state.ipVersion();
        }

        DeltaResult run() {
            HostRecord[] known = state.hostArray();
            ObservedHost[] seen = observation.hosts();
            HostRecord[] next = new HostRecord[known.length + seen.length];
            int count = 0;
            int i = 0;
            int j = 0;
            boolean coversNothing = coverage.isEmpty();
            while (i < known.length || j < seen.length) {
                int order;
                if (i == known.length) {
                    order = 1;
                } else if (j == seen.length) {
                    order = -1;
                } else {
                    order = HostAddress.compare(known[i].high, known[i].low, seen[j].high, seen[j].low);
                }
                HostRecord record = order <= 0 ? known[i++] : null;
                ObservedHost sighting = order >= 0 ? seen[j++] : null;
                HostRecord after = sighting == null && coversNothing ? record : host(record, sighting);
                if (after != null) {
                    next[count++] = after;
                }
            }
            HostRecord[] hosts = count == next.length ? next : Arrays.copyOf(next, count);
            // the newest start stays the state's "last scan", also when a long scan that started earlier ends later
            boolean newer = state.lastScanStart() == null || !observation.scanStart().isBefore(state.lastScanStart());
            SubnetState after = new SubnetState(state.key(), state.cidr(), state.version() + 1,
                    newer ? observation.scanId() : state.lastScanId(), newer ? observation.scanStart() : state.lastScanStart(),
                    hosts);
            return new DeltaResult(state, after, observation, changes, touched, false);
        }

        private HostAddress address(long high, long low) {
            return new HostAddress(version, high, low);
        }

        /** The next record of one host; null only for a host never up and not up now. */
        private HostRecord host(HostRecord record, ObservedHost sighting) {
            long high = record != null ? record.high : sighting.high;
            long low = record != null ? record.low : sighting.low;
            Liveness liveness = sighting == null ? null : sighting.liveness;
            boolean up = liveness == Liveness.UP;
            if (record == null && !up) {
                return null;
            }
            int changesBefore = changes.size();
            HostStatus status;
            boolean goneNow = false;
            int hostMissesAtGone = 0;
            int hostMisses;
            long mac;
            String hostname;
            if (up) {
                status = HostStatus.UP;
                hostMisses = 0;
                mac = sighting.mac;
                hostname = sighting.hostname;
                if (record == null) {
                    changes.add(new Change.HostUp(address(high, low), false, MacAddress.format(mac), sighting.macVendor,
                            hostname));
                } else {
                    if (record.status == HostStatus.GONE) {
                        changes.add(new Change.HostUp(address(high, low), true, MacAddress.format(mac),
                                sighting.macVendor, hostname));
                    }
                    if (mac == MacAddress.NONE) {
                        mac = record.mac;
                    } else if (record.mac != MacAddress.NONE && record.mac != mac) {
                        changes.add(new Change.MacChanged(address(high, low), MacAddress.format(record.mac),
                                MacAddress.format(mac), sighting.macVendor));
                    }
                    if (hostname == null) {
                        hostname = record.hostname;
                    } else if (record.hostname != null && !record.hostname.equals(hostname)) {
                        changes.add(new Change.HostnameChanged(address(high, low), record.hostname, hostname));
                    } else if (record.hostname != null) {
                        hostname = record.hostname;
                    }
                }
            } else {
                status = record.status;
                hostMisses = record.misses;
                mac = record.mac;
                hostname = record.hostname;
                boolean missed = liveness == Liveness.DOWN || (sighting == null && coverage.coversHost(high, low));
                if (missed && status == HostStatus.UP) {
                    hostMisses++;
                    if (hostMisses >= policy.confirmMisses()) {
                        changes.add(new Change.HostGone(address(high, low), hostMisses, MacAddress.format(mac), hostname));
                        hostMissesAtGone = hostMisses;
                        status = HostStatus.GONE;
                        hostMisses = 0;
                        goneNow = true;
                    }
                }
            }
            boolean portsChanged = false;
            int[] portKeys = record == null ? HostRecord.NO_KEYS : record.portKeys;
            byte[] portMisses = record == null ? null : record.portMisses;
            Service[] services = record == null ? null : record.services;
            // Ports of a host reported down, unknown or skipped were not probed. Nor were those of an absent host
            // whose liveness the observation probed: it was down, and nmap probes the ports of up hosts only.
            // An absent host without liveness coverage inside a port probe is masscan's way of saying "nothing
            // open here": its ports were probed and missed.
            if (up || (sighting == null && !coverage.coversHost(high, low))) {
                PortRanges[] scope = coverage.portScope(high, low);
                if (up || scope.length > 0) {
                    if (ports(high, low, record, up ? sighting : null, scope)) {
                        portsChanged = true;
                        portKeys = Arrays.copyOf(keys, portCount);
                        portMisses = anyMisses ? Arrays.copyOf(misses, portCount) : null;
                        services = anyService ? Arrays.copyOf(portServices, portCount) : null;
                    }
                }
            }
            if (goneNow && portKeys.length > 0) {
                for (int i = 0; i < portKeys.length; i++) {
                    changes.add(new Change.PortClosed(address(high, low), PortKey.protocol(portKeys[i]),
                            PortKey.port(portKeys[i]), ClosedBy.HOST_GONE, hostMissesAtGone,
                            services == null ? null : services[i]));
                }
                portsChanged = true;
                portKeys = HostRecord.NO_KEYS;
                portMisses = null;
                services = null;
            }
            boolean hostChanged = record == null || status != record.status || hostMisses != record.misses
                    || mac != record.mac || !Objects.equals(hostname, record.hostname);
            if (!hostChanged && !portsChanged && !up && changes.size() == changesBefore) {
                return record;
            }
            HostRecord after = !hostChanged && !portsChanged ? record
                    : new HostRecord(high, low, status, hostMisses, mac, hostname, portKeys, portMisses, services);
            touched.add(new HostDelta(record, after, sighting));
            return after;
        }

        private int portCount;
        private boolean anyMisses;
        private boolean anyService;

        /**
         * Merges the known open ports of one host with what was observed, into the scratch arrays.
         * Returns whether anything differs from the known ports (keys, misses or services).
         */
        private boolean ports(long high, long low, HostRecord record, ObservedHost sighting, PortRanges[] scope) {
            int[] knownKeys = record == null ? HostRecord.NO_KEYS : record.portKeys;
            int[] open = sighting == null ? HostRecord.NO_KEYS : sighting.openKeys;
            int capacity = knownKeys.length + open.length;
            if (keys.length < capacity) {
                int size = Math.max(capacity, keys.length * 2);
                keys = new int[size];
                misses = new byte[size];
                portServices = new Service[size];
            }
            portCount = 0;
            anyMisses = false;
            anyService = false;
            boolean changed = false;
            int a = 0;
            int b = 0;
            while (a < knownKeys.length || b < open.length) {
                int knownKey = a < knownKeys.length ? knownKeys[a] : Integer.MAX_VALUE;
                int openKey = b < open.length ? open[b] : Integer.MAX_VALUE;
                if (openKey <= knownKey) {
                    Service observed = sighting.service(b);
                    Service kept;
                    if (openKey == knownKey) {
                        Service old = record.service(a);
                        kept = keptService(high, low, openKey, old, observed);
                        changed |= kept != old || record.portMisses(a) != 0;
                        a++;
                    } else {
                        kept = intern(observed);
                        changes.add(new Change.PortOpened(address(high, low), PortKey.protocol(openKey),
                                PortKey.port(openKey), kept));
                        changed = true;
                    }
                    b++;
                    keep(openKey, 0, kept);
                    continue;
                }
                // known open, not seen open now
                a++;
                int previousMisses = record.portMisses(a - 1);
                Service service = record.service(a - 1);
                boolean reportedClosed = sighting != null && Arrays.binarySearch(sighting.closedKeys, knownKey) >= 0;
                boolean missed = reportedClosed
                        || (sighting != null && Arrays.binarySearch(sighting.missedKeys, knownKey) >= 0)
                        || (ScanCoverage.covers(scope, knownKey)
                        && (sighting == null || Arrays.binarySearch(sighting.inconclusiveKeys, knownKey) < 0));
                if (!missed) {
                    keep(knownKey, previousMisses, service);
                    continue;
                }
                changed = true;
                int count = previousMisses + 1;
                if (reportedClosed && policy.closedConfirmsAtOnce()) {
                    changes.add(new Change.PortClosed(address(high, low), PortKey.protocol(knownKey),
                            PortKey.port(knownKey), ClosedBy.REPORTED_CLOSED, count, service));
                } else if (count >= policy.confirmMisses()) {
                    changes.add(new Change.PortClosed(address(high, low), PortKey.protocol(knownKey),
                            PortKey.port(knownKey), ClosedBy.MISSED, count, service));
                } else {
                    keep(knownKey, count, service);
                }
            }
            return changed;
        }

        private void keep(int key, int missCount, Service service) {
            keys[portCount] = key;
            misses[portCount] = (byte) missCount;
            portServices[portCount] = service;
            anyMisses |= missCount != 0;
            anyService |= service != null;
            portCount++;
        }

        /** The service to keep on a port seen open again; a change when both are known and differ. */
        private Service keptService(long high, long low, int key, Service old, Service observed) {
            if (observed == null || observed.equals(old)) {
                return old;
            }
            Service kept = intern(observed);
            if (old != null) {
                Set<ServiceField> fields = ServiceField.differences(old, kept);
                changes.add(new Change.ServiceChanged(address(high, low), PortKey.protocol(key), PortKey.port(key),
                        fields, old, kept));
            }
            return kept;
        }

        /**
         * One instance per distinct service in a state: a thousand hosts running the same sshd share one
         * object. The table is filled from the state only when a new service appears.
         */
        private Service intern(Service service) {
            if (service == null) {
                return null;
            }
            if (services == null) {
                services = new HashMap<>();
                for (HostRecord host : state.hostArray()) {
                    if (host.services != null) {
                        for (Service known : host.services) {
                            if (known != null) {
                                services.putIfAbsent(known, known);
                            }
                        }
                    }
                }
            }
            Service shared = services.putIfAbsent(service, service);
            return shared == null ? service : shared;
        }
    }
}
