package dev.scanflow.server.fleet;

import java.time.Duration;

/** What the server sees of an agent: heartbeats on time, one interval missed, or gone quiet. */
public enum AgentStatus {
    ONLINE, LATE, OFFLINE;

    /**
     * The status after {@code quiet} without a heartbeat. An interval counts as missed once a fifth of it has
     * passed without the heartbeat (timers and networks jitter): late after one, offline after {@code missed}.
     */
    public static AgentStatus after(Duration quiet, Duration interval, int missed) {
        long slack = interval.toMillis() / 5;
        long quietMillis = quiet.toMillis();
        if (quietMillis > missed * interval.toMillis() + slack) {
            return OFFLINE;
        }
        if (quietMillis > interval.toMillis() + slack) {
            return LATE;
        }
        return ONLINE;
    }

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
