package dev.scanflow.server.metrics;

import dev.scanflow.server.delta.ChangeType;
import dev.scanflow.server.events.ScanflowEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;

/**
 * {@code scanflow_changes_total{type}}: the changes scans found (host_new, port_opened, ...), counted as the
 * deltas route hands their events to publishing ({@code seda:publish-events}); every type is present at 0.
 */
public final class ChangeMetrics extends EventNotifierSupport {

    static final String ENDPOINT = "seda://publish-events";

    private final Map<ChangeType, Counter> changes = new EnumMap<>(ChangeType.class);

    public ChangeMetrics(MeterRegistry registry) {
        for (ChangeType type : ChangeType.values()) {
            changes.put(type, Counter.builder("scanflow.changes")
                    .description("Changes the scans found, by type (hosts new, returned or gone, MAC and host name"
                            + " changes, ports opened or closed, services changed)")
                    .tag("type", type.name().toLowerCase(Locale.ROOT))
                    .register(registry));
        }
    }

    @Override
    public boolean isEnabled(CamelEvent event) {
        return event instanceof CamelEvent.ExchangeSendingEvent;
    }

    @Override
    public void notify(CamelEvent event) {
        CamelEvent.ExchangeSendingEvent sending = (CamelEvent.ExchangeSendingEvent) event;
        if (!sending.getEndpoint().getEndpointUri().startsWith(ENDPOINT)
                || !(sending.getExchange().getMessage().getBody() instanceof List<?> events)) {
            return;
        }
        for (Object item : events) {
            if (item instanceof ScanflowEvent scanflowEvent && "change".equals(scanflowEvent.kind())) {
                try {
                    changes.get(ChangeType.valueOf(scanflowEvent.type())).increment();
                } catch (IllegalArgumentException e) {
                    // a type this build does not know: not counted rather than a label of its own
                }
            }
        }
    }
}
