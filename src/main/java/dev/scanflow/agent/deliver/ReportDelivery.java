package dev.scanflow.agent.deliver;

import dev.scanflow.agent.spool.Backlog;
import dev.scanflow.agent.spool.ReportSpool;
import dev.scanflow.agent.spool.SpooledReport;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides what happens to the spool's oldest report after each attempt to send it (agent-routes/delivery.yaml
 * sends it over HTTP; another transport is another route using the same decisions):
 * <ul>
 *   <li>2xx: acknowledged, it leaves the spool, the next one goes at once;</li>
 *   <li>400, 401, 403, 409, 413: refused for good, moved to poison/ with the reply, one log line, the next
 *       one goes at once;</li>
 *   <li>anything else (a connection error, 5xx, 503, 429, a timeout): it stays first in line and is tried
 *       again after a capped exponential back-off with jitter, or after Retry-After when the server says;
 *       without end.</li>
 * </ul>
 * Also the backlog's log line (at most once a minute while reports wait) and its metrics.
 */
public class ReportDelivery {

    private static final Logger LOG = LoggerFactory.getLogger(ReportDelivery.class);
    private static final Set<Integer> PERMANENT = Set.of(400, 401, 403, 409, 413);
    private static final Duration BACKLOG_LOG_EVERY = Duration.ofMinutes(1);
    private static final String[] OUTCOMES = {"accepted", "refused", "rejected", "unreachable"};
    /** Answers no retry by the agent changes: a token or code the server does not take, or its lockout. */
    private static final Set<Integer> REFUSALS = Set.of(401, 403, 429);

    private final ReportSpool spool;
    private final Backoff backoff;
    private final Clock clock;
    private final Counter poisoned;
    private final Counter skipped;
    private final Map<String, Counter> outcomes = new HashMap<>();
    private int failures;
    private Instant notBefore = Instant.EPOCH;
    private Instant backlogLogged = Instant.EPOCH;
    private Instant lastDelivery;
    private String lastError;

    public ReportDelivery(ReportSpool spool, Backoff backoff, Clock clock, MeterRegistry meters) {
        this.spool = spool;
        this.backoff = backoff;
        this.clock = clock;
        Gauge.builder("scanflow.agent.spool.reports", spool, s -> s.backlog().count())
                .description("reports in the spool, not yet acknowledged by the server").register(meters);
        Gauge.builder("scanflow.agent.spool.oldest.age.seconds", spool, s -> s.backlog().oldestAge().toMillis() / 1000.0)
                .description("how long the oldest report in the spool has waited").register(meters);
        Gauge.builder("scanflow.agent.spool.bytes", spool, s -> s.backlog().bytes())
                .description("bytes of the reports in the spool").register(meters);
        this.poisoned = Counter.builder("scanflow.agent.reports.poisoned")
                .description("reports the server refused for good, moved to the poison folder").register(meters);
        this.skipped = Counter.builder("scanflow.agent.scans.skipped")
                .description("scans skipped because the spool was full").register(meters);
        for (String outcome : OUTCOMES) {
            outcomes.put(outcome, Counter.builder("scanflow.agent.deliveries")
                    .description("Attempts to deliver a report, by outcome: accepted (2xx, or the broker's acknowledgement),"
                            + " refused (401/403/429), rejected (another error status, or a record the broker never takes),"
                            + " unreachable (no answer)")
                    .tag("outcome", outcome).register(meters));
        }
        // the names dashboards and alert rules use (config/grafana, config/prometheus)
        Gauge.builder("scanflow.agent.backlog", spool, s -> s.backlog().count())
                .description("Reports made and not yet accepted by the server").baseUnit("reports").register(meters);
        Gauge.builder("scanflow.agent.last.delivery.timestamp", this,
                        d -> d.lastDelivery == null ? 0 : d.lastDelivery.getEpochSecond())
                .description("When the server or broker last accepted one of this agent's reports, Unix time (0: never)")
                .baseUnit("seconds").register(meters);
    }

    /** The oldest report, when it is time to (re)try it; null while backing off or when none waits. */
    public synchronized SpooledReport next() {
        Instant now = clock.instant();
        logBacklog(now);
        if (now.isBefore(notBefore)) {
            return null;
        }
        return spool.oldest().orElse(null);
    }

    public byte[] body(SpooledReport report) throws IOException {
        return report.read();
    }

    /**
     * The server answered {@code status}. Returns the next report to send at once, or null.
     *
     * @param retryAfter the Retry-After header (seconds), or null
     */
    public synchronized SpooledReport answered(SpooledReport report, Integer status, String retryAfter, String reply)
            throws IOException {
        int code = status == null ? 0 : status;
        if (code >= 200 && code < 300) {
            return delivered(report, "HTTP " + code);
        }
        outcomes.get(REFUSALS.contains(code) ? "refused" : "rejected").increment();
        lastError = (REFUSALS.contains(code) ? "the server refused the last report with HTTP " + code
                + " (check scanflow.agent.token and scanflow.agent.code)" : "the server answered the last report with HTTP " + code)
                + (reply == null || reply.isBlank() ? "" : ": " + oneLine(reply));
        if (PERMANENT.contains(code)) {
            return refused(report, code, "HTTP " + code, reply);
        }
        Duration wait = backoff.after(++failures);
        Duration told = retryAfter(retryAfter);
        if (told != null) {
            wait = told;
        }
        notBefore = clock.instant().plus(wait);
        LOG.warn("report {} not delivered (HTTP {}), attempt {}; next try in {} ms: {}", report.reportId(), code,
                failures, wait.toMillis(), oneLine(reply));
        return null;
    }

    /**
     * The report was acknowledged ({@code how}: "HTTP 202", or the Kafka partition and offset the broker gave it
     * with acks=all): it leaves the spool. Returns the next report to send at once, or null.
     */
    public synchronized SpooledReport delivered(SpooledReport report, String how) throws IOException {
        spool.acknowledge(report);
        failures = 0;
        outcomes.get("accepted").increment();
        lastDelivery = clock.instant();
        lastError = null;
        LOG.info("report {} delivered ({})", report.reportId(), how);
        return next();
    }

    /**
     * The report can never be delivered (the server refused it, or the broker refuses a record this large):
     * moved to the poison folder with the reason. Returns the next report to send at once, or null.
     */
    public synchronized SpooledReport refused(SpooledReport report, int status, String by, String reason) throws IOException {
        spool.poison(report, status, reason);
        poisoned.increment();
        failures = 0;
        if (!by.startsWith("HTTP")) {
            // a refusal the spool decides itself (the broker never takes a record this large); HTTP's was counted above
            outcomes.get("rejected").increment();
            lastError = "report " + report.reportId() + " refused (" + by + "): " + oneLine(reason);
        }
        LOG.error("report {} refused ({}), moved to {}: {}", report.reportId(), by, spool.poisonDirectory(), oneLine(reason));
        return next();
    }

    /** No answer at all (connection refused, reset, timed out): tried again after the back-off. */
    public synchronized void failed(SpooledReport report, Exception cause) {
        Duration wait = backoff.after(++failures);
        notBefore = clock.instant().plus(wait);
        outcomes.get("unreachable").increment();
        lastError = "no answer to the last report: " + oneLine(String.valueOf(cause));
        LOG.warn("report {} not delivered, attempt {}; next try in {} ms: {}",
                report == null ? "?" : report.reportId(), failures, wait.toMillis(), oneLine(String.valueOf(cause)));
    }

    /** A scan was not run because the spool is full; nothing waiting is ever deleted to make room. */
    public void scanSkipped(Object what) {
        skipped.increment();
        LOG.error("scan of {} skipped: the spool is full ({}, limit {} bytes); the server has not taken the reports",
                what, spool.backlog(), spool.maxBytes());
    }

    /** What the agent's heartbeat tells the server of its delivery (issue 15's fleet view). */
    public synchronized DeliveryStatus status() {
        return new DeliveryStatus(spool.backlog(), lastDelivery, lastError, spool.isFull());
    }

    /**
     * @param lastDelivery when the server or broker last acknowledged a report; null since the start
     * @param lastError    why the last attempt failed, or the last refusal; null after a delivery
     * @param spoolFull    whether scans are skipped because the reports waiting reached the spool's limit
     */
    public record DeliveryStatus(Backlog backlog, Instant lastDelivery, String lastError, boolean spoolFull) {
    }

    public boolean spoolFull() {
        return spool.isFull();
    }

    private void logBacklog(Instant now) {
        if (Duration.between(backlogLogged, now).compareTo(BACKLOG_LOG_EVERY) < 0) {
            return;
        }
        Backlog backlog = spool.backlog();
        if (backlog.count() > 0) {
            backlogLogged = now;
            LOG.info("spool backlog: {}", backlog);
        }
    }

    private static Duration retryAfter(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        try {
            long seconds = Long.parseLong(header.strip());
            return seconds >= 0 ? Duration.ofSeconds(seconds) : null;
        } catch (NumberFormatException e) {
            return null; // an HTTP date: the back-off decides
        }
    }

    private static String oneLine(String text) {
        if (text == null) {
            return "";
        }
        String line = text.replaceAll("\\s+", " ").strip();
        return line.length() > 300 ? line.substring(0, 300) + "…" : line;
    }
}
