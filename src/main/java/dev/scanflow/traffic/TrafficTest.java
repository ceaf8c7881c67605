package dev.scanflow.traffic;

import java.time.Duration;

/**
 * One traffic test as defined (config/traffic-tests.yaml) or asked for: iperf3 from the client host to the
 * server host.
 *
 * @param name       the pair's name, letters, digits, dot, dash, underscore
 * @param client     the host running {@code iperf3 -c}
 * @param server     the host running {@code iperf3 -s -1}
 * @param protocol   TCP or UDP
 * @param duration   seconds of traffic (iperf3 -t), 1..3600
 * @param bandwidthBps UDP target bit rate (iperf3 -b); null for TCP (unlimited)
 * @param parallel   parallel streams (iperf3 -P), 1..128
 * @param timeout    the hard limit of the whole test, longer than the duration
 * @param thresholds limits that raise an alert when crossed
 */
public record TrafficTest(String name, SshHost client, SshHost server, TrafficProtocol protocol, Duration duration,
                          Long bandwidthBps, int parallel, Duration timeout, Thresholds thresholds) {

    public static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    public TrafficTest {
        SshHost.require(name != null && NAME.matcher(name).matches(), "name must match " + NAME.pattern() + ": " + name);
        SshHost.require(client != null && server != null, "a test needs a client and a server host");
        SshHost.require(protocol != null, "protocol must be TCP or UDP");
        SshHost.require(duration != null && duration.getSeconds() >= 1 && duration.getSeconds() <= 3600
                && duration.getNano() == 0, "duration must be whole seconds, 1..3600: " + duration);
        SshHost.require(bandwidthBps == null || (bandwidthBps >= 1000 && bandwidthBps <= 400_000_000_000L),
                "bandwidth must be 1000..400000000000 bit/s: " + bandwidthBps);
        SshHost.require(protocol == TrafficProtocol.UDP || bandwidthBps == null,
                "bandwidth applies to UDP only (TCP sends as fast as it can)");
        SshHost.require(parallel >= 1 && parallel <= 128, "parallel must be 1..128: " + parallel);
        SshHost.require(timeout != null && timeout.compareTo(duration.plusSeconds(5)) >= 0,
                "timeout must be at least the duration plus 5 s: " + timeout);
        if (protocol == TrafficProtocol.UDP && bandwidthBps == null) {
            bandwidthBps = 1_000_000L; // iperf3's own UDP default
        }
        thresholds = thresholds == null ? Thresholds.NONE : thresholds;
    }

    /** The one-test-per-pair key: the two SSH hosts, ordered, so A to B and B to A wait for each other too. */
    public String pairKey() {
        String a = client.identity();
        String b = server.identity();
        return a.compareTo(b) <= 0 ? a + "|" + b : b + "|" + a;
    }
}
