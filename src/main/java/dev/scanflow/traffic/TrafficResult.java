package dev.scanflow.traffic;

import java.time.Instant;
import java.util.List;

/**
 * The outcome of one traffic test.
 *
 * @param id        the test id ScanFlow gave it
 * @param name      the pair's name
 * @param protocol  TCP or UDP
 * @param status    PASSED, BREACHED (measured, a threshold crossed) or FAILED (nothing measured)
 * @param figures   what was measured, null when FAILED
 * @param breaches  the thresholds crossed, in words
 * @param failure   why nothing was measured (null unless FAILED)
 * @param error     the message for a person (null unless FAILED)
 * @param serverPort the iperf3 port used (0 when none was started)
 * @param cleanedUp whether the remote iperf3 server is known gone
 * @param clientHost the client host's SSH identity (host:port), null when the test was not defined where it ran
 * @param serverHost the server host's SSH identity (host:port), likewise
 */
public record TrafficResult(String id, String name, TrafficProtocol protocol, Status status, TrafficFigures figures,
                            List<String> breaches, TrafficTestFailed.Reason failure, String error, int serverPort,
                            boolean cleanedUp, Instant startedAt, Instant finishedAt, String clientHost, String serverHost) {

    public enum Status { PASSED, BREACHED, FAILED }

    public TrafficResult {
        breaches = breaches == null ? List.of() : List.copyOf(breaches);
    }

    /** A test that never started where it was to run (an agent asked for a test its own file does not define). */
    public static TrafficResult notRun(String id, String name, TrafficTestFailed.Reason reason, String error, Instant at) {
        return new TrafficResult(id, name, null, Status.FAILED, null, List.of(), reason, error, 0, true, at, at, null, null);
    }
}
