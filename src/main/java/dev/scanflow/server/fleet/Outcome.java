package dev.scanflow.server.fleet;

import dev.scanflow.server.events.ScanflowEvent;
import java.util.List;

/**
 * What a fleet or job step answers, and the events it caused: routes/console-api.yaml replies with {@code reply}
 * (as JSON, with {@code status}) and hands {@code events} to publishing after the step's commit.
 */
public record Outcome(int status, Object reply, List<ScanflowEvent> events) {

    public static Outcome ok(Object reply, List<ScanflowEvent> events) {
        return new Outcome(200, reply, events);
    }

    public static Outcome ok(Object reply) {
        return new Outcome(200, reply, List.of());
    }
}
