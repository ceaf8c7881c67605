package dev.scanflow.server.history;

import dev.scanflow.server.alert.AlertEvent;
import dev.scanflow.server.delta.DeltaResult;
import java.util.List;

/**
 * What storing one observation did: the delta (changes and new state), the changes as recorded (with their
 * ids), and the alert events; or, for a scan id applied before, nothing ({@code duplicate}).
 */
public record Recorded(DeltaResult delta, List<RecordedChange> changes, List<AlertEvent> alertEvents, boolean duplicate) {

    public Recorded {
        changes = List.copyOf(changes);
        alertEvents = List.copyOf(alertEvents);
    }

    public static Recorded duplicateOf(DeltaResult delta) {
        return new Recorded(delta, List.of(), List.of(), true);
    }
}
