package dev.scanflow.agent.scan;

import java.util.List;

/**
 * What masscan's output said: the open ports, each (address, protocol, port) once, in masscan's order.
 * {@code complete} is false when the output stopped short (a killed run): what was read is kept.
 */
public record MasscanRun(List<MasscanPort> ports, boolean complete) {

    public MasscanRun {
        ports = List.copyOf(ports);
    }
}
