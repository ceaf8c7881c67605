package dev.scanflow.server.delta;

import dev.scanflow.report.Coverage;
import dev.scanflow.report.ScanReport;
import dev.scanflow.report.ScannedHost;
import dev.scanflow.report.ScannedPort;
import dev.scanflow.report.ScannedPort.Service;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Scan reports for tests, written the way a reader checks them: subnet, coverage, hosts, ports. */
public final class Reports {

    public static final String AGENT = "Agent-one-code-0123456789abcdefX";
    private static Instant clock = Instant.parse("2026-11-20T09:00:00Z");

    private Reports() {
    }

    public static synchronized Instant nextStart() {
        clock = clock.plusSeconds(600);
        return clock;
    }

    /** A format version 1 report: discovery of the whole subnet, complete. */
    public static ScanReport v1(String subnet, ScannedHost... hosts) {
        Instant start = nextStart();
        return new ScanReport(1, UUID.randomUUID(), AGENT, subnet, start, start.plusSeconds(5),
                List.of("nmap", "-sn", subnet), List.of(hosts));
    }

    public static Builder v2(String subnet) {
        return new Builder(subnet);
    }

    public static HostBuilder up(String address) {
        return new HostBuilder(address, "up");
    }

    public static HostBuilder down(String address) {
        return new HostBuilder(address, "down");
    }

    public static HostBuilder state(String address, String state) {
        return new HostBuilder(address, state);
    }

    public static Service service(String name, String product, String version) {
        return new Service(name, product, version, null, null, List.of());
    }

    public static final class HostBuilder {
        private final String address;
        private final String state;
        private String mac;
        private final List<String> names = new ArrayList<>();
        private final List<ScannedPort> ports = new ArrayList<>();

        HostBuilder(String address, String state) {
            this.address = address;
            this.state = state;
        }

        public HostBuilder mac(String value) {
            mac = value;
            return this;
        }

        public HostBuilder name(String value) {
            names.add(value);
            return this;
        }

        public HostBuilder open(String protocol, int port) {
            return port(protocol, port, "open", null);
        }

        public HostBuilder open(String protocol, int port, Service service) {
            return port(protocol, port, "open", service);
        }

        public HostBuilder port(String protocol, int port, String portState, Service service) {
            ports.add(new ScannedPort(protocol, port, portState, "syn-ack", service, null));
            return this;
        }

        public ScannedHost build() {
            return new ScannedHost(address, state, mac, mac == null ? null : "Lab Vendor", names, ports);
        }
    }

    public static final class Builder {
        private final String subnet;
        private final List<String> hostTargets = new ArrayList<>();
        private final List<Coverage.PortProbe> probes = new ArrayList<>();
        private final List<ScannedHost> hosts = new ArrayList<>();
        private boolean partial;
        private ScanReport.Chunk chunk;
        private String profile = "ports";
        private Instant start;

        Builder(String subnet) {
            this.subnet = subnet;
        }

        /** Liveness coverage: these CIDRs were probed for hosts. */
        public Builder liveness(String... targets) {
            hostTargets.addAll(List.of(targets));
            return this;
        }

        public Builder probe(String protocol, String ports, String... targets) {
            probes.add(new Coverage.PortProbe(protocol, ports, List.of(targets)));
            return this;
        }

        public Builder partial() {
            partial = true;
            return this;
        }

        public Builder chunk(UUID scanId, int index, int count) {
            chunk = new ScanReport.Chunk(scanId, index, count);
            return this;
        }

        public Builder profile(String value) {
            profile = value;
            return this;
        }

        public Builder startingAt(Instant value) {
            start = value;
            return this;
        }

        public Builder host(HostBuilder host) {
            hosts.add(host.build());
            return this;
        }

        public ScanReport build() {
            Instant at = start != null ? start : nextStart();
            return new ScanReport(2, UUID.randomUUID(), AGENT, subnet, at, at.plusSeconds(30), List.of("nmap", subnet),
                    hosts, profile, chunk, partial, new Coverage(hostTargets, probes));
        }
    }
}
