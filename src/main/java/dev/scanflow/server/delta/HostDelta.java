package dev.scanflow.server.delta;

/**
 * One host an observation touched: its record before (null when new) and after, and what the observation
 * reported about it (null when it was only missed). The history writes its rows from these: status and
 * misses from {@code after}, last seen and times seen from {@code sighting}, MAC, host name and service
 * periods from the difference between {@code before} and {@code after}.
 */
public record HostDelta(HostRecord before, HostRecord after, ObservedHost sighting) {

    public boolean seenUp() {
        return sighting != null && sighting.liveness == Liveness.UP;
    }
}
