package dev.scanflow.traffic;

import java.time.Instant;

/** The state of one test while its route runs (an exchange property). */
final class TrafficRun {

    final String id;
    final TrafficTest test;
    final Instant startedAt;
    int port;
    int startAttempts;
    /** True while this run holds its pair and port. */
    boolean claimed;
    Long serverPid;
    boolean cleanedUp = true;
    TrafficFigures figures;
    TrafficTestFailed failure;

    TrafficRun(String id, TrafficTest test, Instant startedAt) {
        this.id = id;
        this.test = test;
        this.startedAt = startedAt;
    }
}
