package dev.scanflow.agent.fleet;

import java.time.Clock;
import java.time.Instant;
import org.apache.camel.Exchange;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;

/** What the heartbeat tells of delivery: when a report was last accepted and the last delivery error. */
public class DeliveryLog extends EventNotifierSupport {

    private final String reportsEndpointPrefix;
    private final Clock clock;
    private volatile Instant lastDelivery;
    private volatile String lastError;

    public DeliveryLog(String reportsUrl, Clock clock) {
        String withoutOptions = reportsUrl.contains("?") ? reportsUrl.substring(0, reportsUrl.indexOf('?')) : reportsUrl;
        this.reportsEndpointPrefix = withoutOptions.replaceFirst("^(https?)://", "$1://");
        this.clock = clock;
    }

    @Override
    public boolean isEnabled(CamelEvent event) {
        return event instanceof CamelEvent.ExchangeSentEvent;
    }

    @Override
    public void notify(CamelEvent event) {
        CamelEvent.ExchangeSentEvent sent = (CamelEvent.ExchangeSentEvent) event;
        if (!sent.getEndpoint().getEndpointUri().startsWith(reportsEndpointPrefix)) {
            return;
        }
        Exchange exchange = sent.getExchange();
        if (exchange.getException() != null) {
            lastError = String.valueOf(exchange.getException().getMessage());
        } else {
            lastDelivery = clock.instant();
        }
    }

    public Instant lastDelivery() {
        return lastDelivery;
    }

    public String lastError() {
        return lastError;
    }
}
