package dev.scanflow.agent.observe;

import dev.scanflow.health.Readiness;
import dev.scanflow.health.ReadinessContributor;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.camel.Exchange;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;

/**
 * Watches every send of a report to the server (any exchange sent to the reports URL), without a step in the
 * routes: what the server answered, when a report was last accepted, and how many wait. It is the agent's
 * "delivery" readiness: DOWN from a delivery the server refused (401/403/429: a wrong or revoked token, which
 * no retry fixes), rejected (another error status) or did not answer, until a delivery is accepted again;
 * also while the backlog is above its limit, or when no report was accepted for longer than
 * {@code silentAfter} although reports were sent.
 *
 * <p>Series: {@code scanflow_agent_deliveries_total{outcome}} (accepted, refused, rejected, unreachable),
 * {@code scanflow_agent_backlog_reports}, {@code scanflow_agent_last_delivery_timestamp_seconds}.
 */
public final class DeliveryMonitor extends EventNotifierSupport implements ReadinessContributor {

    static final String[] OUTCOMES = {"accepted", "refused", "rejected", "unreachable"};
    /** Longer than the agent's routes retry an unreachable server (5 + 10 + 20 + 40 s). */
    static final Duration RETRY_WINDOW = Duration.ofMinutes(5);

    private final String reportsUrl;
    private final Clock clock;
    private final long backlogLimit;
    private final Duration silentAfter;
    /** Reports on their way (by exchange id, with the first attempt's time), while no spool reports its own. */
    private final Map<String, Instant> pending = new ConcurrentHashMap<>();
    private final AtomicLong lastAccepted = new AtomicLong();
    private final AtomicReference<String> lastRefusal = new AtomicReference<>();
    private final AtomicReference<Instant> lastSent = new AtomicReference<>();
    private final Map<String, Counter> deliveries = new ConcurrentHashMap<>();
    private volatile DeliveryBacklog backlog = this::pendingWithoutSpool;

    public DeliveryMonitor(String reportsUrl, MeterRegistry registry, Clock clock, long backlogLimit, Duration silentAfter) {
        this.reportsUrl = reportsUrl;
        this.clock = clock;
        this.backlogLimit = backlogLimit;
        this.silentAfter = silentAfter;
        for (String outcome : OUTCOMES) {
            deliveries.put(outcome, Counter.builder("scanflow.agent.deliveries")
                    .description("Attempts to deliver a report to the server, by outcome: accepted (2xx), refused"
                            + " (401/403/429), rejected (other 4xx/5xx), unreachable (no answer)")
                    .tag("outcome", outcome).register(registry));
        }
        Gauge.builder("scanflow.agent.backlog", this, monitor -> monitor.backlog.pendingReports())
                .description("Reports made and not yet accepted by the server").baseUnit("reports").register(registry);
        Gauge.builder("scanflow.agent.last.delivery.timestamp", lastAccepted, AtomicLong::get)
                .description("When the server last accepted a report from this agent, Unix time (0: never)")
                .baseUnit("seconds").register(registry);
    }

    /** The delivery with a spool plugs its own count in here. */
    public void useBacklog(DeliveryBacklog spool) {
        this.backlog = spool;
    }

    @Override
    public boolean isEnabled(CamelEvent event) {
        return event instanceof CamelEvent.ExchangeSendingEvent || event instanceof CamelEvent.ExchangeSentEvent;
    }

    @Override
    public void notify(CamelEvent event) {
        if (event instanceof CamelEvent.ExchangeSendingEvent sending) {
            if (isReports(sending.getEndpoint().getEndpointUri())) {
                pending.putIfAbsent(sending.getExchange().getExchangeId(), clock.instant());
                lastSent.set(clock.instant());
            }
            return;
        }
        CamelEvent.ExchangeSentEvent sent = (CamelEvent.ExchangeSentEvent) event;
        if (!isReports(sent.getEndpoint().getEndpointUri())) {
            return;
        }
        Exchange exchange = sent.getExchange();
        Exception failure = exchange.getException();
        HttpOperationFailedException http = failure == null ? null
                : org.apache.camel.util.ObjectHelper.getException(HttpOperationFailedException.class, failure);
        // the spool's delivery route (agent-routes/delivery.yaml) does not throw on an error status: read it
        Integer status = http != null ? Integer.valueOf(http.getStatusCode())
                : exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        if (failure == null && status != null && (status < 200 || status >= 300)) {
            http = new HttpOperationFailedException(sent.getEndpoint().getEndpointUri(), status, null, null, null, null);
        }
        if (failure == null || http != null) {
            pending.remove(exchange.getExchangeId()); // accepted, or answered with a status no retry changes
        }
        if (failure == null && http == null) {
            deliveries.get("accepted").increment();
            lastAccepted.set(clock.instant().getEpochSecond());
            lastRefusal.set(null);
        } else if (http != null && (http.getStatusCode() == 401 || http.getStatusCode() == 403
                || http.getStatusCode() == 429)) {
            deliveries.get("refused").increment();
            lastRefusal.set("the server refused this agent's reports with HTTP " + http.getStatusCode()
                    + " (check scanflow.agent.token and scanflow.agent.code)");
        } else if (http != null) {
            deliveries.get("rejected").increment();
            lastRefusal.set("the server answered the last delivery with HTTP " + http.getStatusCode());
        } else {
            deliveries.get("unreachable").increment();
            lastRefusal.set("the server did not answer the last delivery: " + failure.getClass().getSimpleName()
                    + (failure.getMessage() == null ? "" : " " + failure.getMessage()));
        }
    }

    /**
     * Without a spool, the reports sent and not yet answered, or waiting to be sent again after no answer
     * (the agent's routes retry for about a minute and a quarter); older ones were given up.
     */
    private long pendingWithoutSpool() {
        Instant givenUp = clock.instant().minus(RETRY_WINDOW);
        pending.values().removeIf(first -> first.isBefore(givenUp));
        return pending.size();
    }

    private boolean isReports(String uri) {
        return uri != null && (uri.equals(reportsUrl) || uri.startsWith(reportsUrl + "?"));
    }

    @Override
    public String id() {
        return "delivery";
    }

    @Override
    public Readiness check() {
        long pending = backlog.pendingReports();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("backlog_reports", pending);
        long accepted = lastAccepted.get();
        details.put("last_delivery", accepted == 0 ? "never" : Instant.ofEpochSecond(accepted).toString());
        String refusal = lastRefusal.get();
        if (refusal != null) {
            return Readiness.down(refusal).with(details);
        }
        if (pending > backlogLimit) {
            return Readiness.down(pending + " reports wait for delivery (limit " + backlogLimit + ")").with(details);
        }
        Instant sent = lastSent.get();
        Instant now = clock.instant();
        if (sent != null && Duration.between(accepted == 0 ? sent : Instant.ofEpochSecond(accepted), now)
                .compareTo(silentAfter) > 0 && pending > 0) {
            return Readiness.down("no report accepted for " + silentAfter.toMinutes() + " min").with(details);
        }
        return Readiness.up(accepted == 0 ? "no report delivered yet" : "reports are accepted").with(details);
    }
}
