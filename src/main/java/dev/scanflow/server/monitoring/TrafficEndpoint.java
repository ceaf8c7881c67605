package dev.scanflow.server.monitoring;

import java.util.List;

/**
 * A host of config/traffic-tests.yaml that a defined test uses (as iperf3 client or server).
 *
 * @param name    its name under hosts:
 * @param address the address iperf3 uses there (the host's "address", else its "ssh" address)
 * @param tests   the defined tests it takes part in
 */
public record TrafficEndpoint(String name, String address, List<String> tests) {

    public TrafficEndpoint {
        tests = List.copyOf(tests);
    }
}
