package dev.scanflow.traffic;

/** A traffic test that could not measure, with a reason a person can act on. */
public final class TrafficTestFailed extends RuntimeException {

    /** What went wrong, kept with the result. */
    public enum Reason {
        HOST_KEY_REFUSED, SSH_FAILED, IPERF3_MISSING, PORT_BUSY, IPERF3_FAILED, TIMED_OUT, PAIR_BUSY, NO_FREE_PORT,
        /** the agent asked to run it defines no test of that name in its own traffic tests file */
        UNKNOWN_TEST
    }

    private final Reason reason;

    public TrafficTestFailed(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
