package dev.scanflow.server.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.UUID;

/**
 * What ScanFlow tells the outside world, one per change or alert event: the JSON every configured
 * endpoint (webhook, Kafka topic, the SSE stream) receives.
 *
 * @param kind    "change", "alert" or "traffic"
 * @param type    the change type (HOST_NEW, PORT_OPENED, ...) or the alert event (OPENED, REOPENED, ...)
 * @param site    the agent (site) whose scan produced it; "server" for traffic alerts (they belong to a test)
 * @param subnet  the subnet in CIDR form; {@code subnetId} its phpIPAM id
 * @param detail  the change or alert itself, as its own JSON object
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ScanflowEvent(UUID eventId, String kind, String type, Instant time, String site, long subnetId,
                            String subnet, String address, UUID scanId, Object detail) {

    /**
     * A traffic alert's event: it belongs to a traffic test, not to a site's subnet (site "server", subnet id 0,
     * like the traffic run events); scanId is the run that caused it, null for what a person did.
     */
    public static ScanflowEvent ofTrafficAlert(dev.scanflow.server.alert.AlertEvent event) {
        return new ScanflowEvent(UUID.randomUUID(), "alert", event.type().name(), event.at(), "server", 0, null, null,
                event.scanId(), event);
    }
}
