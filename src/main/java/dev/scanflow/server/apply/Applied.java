package dev.scanflow.server.apply;

import dev.scanflow.server.events.ScanflowEvent;
import dev.scanflow.server.intake.AuthorizedReport;
import dev.scanflow.server.phpipam.WriteOutcome;
import java.util.List;

/**
 * What applying one report did: its phpIPAM outcome (what every transport answers with) and the events to
 * publish now that it is committed (none for a duplicate, or for a chunk whose scan still waits for others),
 * and the report as authorized (its agent and phpIPAM subnet: what the intake's metrics label by).
 */
public record Applied(WriteOutcome outcome, List<ScanflowEvent> events, AuthorizedReport authorized) {

    public Applied {
        events = List.copyOf(events);
    }
}
