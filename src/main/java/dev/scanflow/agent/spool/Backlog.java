package dev.scanflow.agent.spool;

import java.time.Duration;

/** The reports waiting in the spool: how many, how long the oldest has waited, how many bytes. */
public record Backlog(int count, Duration oldestAge, long bytes) {

    @Override
    public String toString() {
        return count + " reports, oldest " + oldestAge.toSeconds() + " s, " + bytes + " bytes";
    }
}
