package dev.scanflow.server.events;

import dev.scanflow.server.alert.AlertEvent;
import dev.scanflow.server.history.Recorded;
import dev.scanflow.server.history.RecordedChange;
import dev.scanflow.server.intake.AuthorizedReport;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Turns what a scan recorded into the events the publishing route sends out: changes first, then alerts. */
public class EventFactory {

    public List<ScanflowEvent> events(Recorded recorded, AuthorizedReport authorized) {
        List<ScanflowEvent> events = new ArrayList<>();
        String subnet = authorized.subnet().cidr().toString();
        for (RecordedChange change : recorded.changes()) {
            events.add(new ScanflowEvent(UUID.randomUUID(), "change", change.change().type().name(), change.observedAt(),
                    change.site(), change.subnetId(), subnet, String.valueOf(change.change().address()), change.scanId(),
                    change.change()));
        }
        for (AlertEvent alert : recorded.alertEvents()) {
            events.add(new ScanflowEvent(UUID.randomUUID(), "alert", alert.type().name(), alert.at(),
                    alert.alert().key().subnet().site(), alert.alert().key().subnet().subnetId(), subnet,
                    String.valueOf(alert.alert().key().address()), alert.scanId(), alert));
        }
        return events;
    }
}
