package dev.scanflow.server.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scanflow.report.ScanReport;
import dev.scanflow.server.intake.AuthorizedReport;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.Exchange;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;

/**
 * The work of the report intake as Prometheus series, read from each finished exchange of the
 * {@code report-intake} route (its reply status, its reply and the authorized report it carried), so the
 * route itself stays free of bookkeeping steps.
 *
 * <p>Series and their labels (every label value comes from a fixed list or from phpIPAM's own configuration,
 * never from what a client sent):
 * <ul>
 *   <li>{@code scanflow_reports_total{outcome, reason}}: outcome accepted, refused or failed; reason one of
 *       {@link #REASONS}' values, all present from the start at 0</li>
 *   <li>{@code scanflow_report_apply_seconds}: histogram, arrival to reply of reports applied (202)</li>
 *   <li>{@code scanflow_scan_duration_seconds{profile}}: histogram of the scan time each applied report states</li>
 *   <li>{@code scanflow_phpipam_writes_total{kind}}: rows written into phpIPAM, by kind</li>
 *   <li>{@code scanflow_subnet_last_scan_timestamp_seconds{site, subnet}}, {@code
 *       scanflow_agent_last_report_timestamp_seconds{site}}: via {@link SiteGauges}</li>
 * </ul>
 */
public final class IntakeMetrics extends EventNotifierSupport {

    public static final String ROUTE_ID = "report-intake";

    /** HTTP status of the intake's reply → outcome and reason. */
    public static final Map<Integer, String[]> REASONS = Map.of(
            202, new String[] {"accepted", "applied"},
            200, new String[] {"accepted", "duplicate"},
            400, new String[] {"refused", "invalid_report"},
            401, new String[] {"refused", "unauthenticated"},
            403, new String[] {"refused", "forbidden"},
            409, new String[] {"refused", "conflict"},
            413, new String[] {"refused", "too_large"},
            429, new String[] {"refused", "rate_limited"},
            503, new String[] {"failed", "database_unavailable"},
            500, new String[] {"failed", "internal_error"});
    static final String[] PROFILES = {"discovery", "ports", "services-nmap", "other"};
    static final String[] WRITE_KINDS = {"address_updated", "address_inserted", "address_retagged",
        "subnet_last_scan", "agent_last_access"};

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration[] APPLY_BUCKETS = seconds(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30);
    private static final Duration[] SCAN_BUCKETS = seconds(1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600);

    private final MeterRegistry registry;
    private final SiteGauges sites;
    private final Clock clock;
    private final Map<Integer, Counter> reports = new ConcurrentHashMap<>();
    private final Counter otherReports;
    private final Timer apply;
    private final Map<String, Timer> scanDurations = new ConcurrentHashMap<>();
    private final Map<String, Counter> writes = new ConcurrentHashMap<>();

    public IntakeMetrics(MeterRegistry registry, SiteGauges sites, Clock clock) {
        this.registry = registry;
        this.sites = sites;
        this.clock = clock;
        REASONS.forEach((status, pair) -> reports.put(status, reportCounter(pair[0], pair[1])));
        otherReports = reportCounter("failed", "other");
        apply = Timer.builder("scanflow.report.apply")
                .description("Time from a report's arrival to the reply, for reports applied to phpIPAM (202)")
                .serviceLevelObjectives(APPLY_BUCKETS)
                .register(registry);
        for (String profile : PROFILES) {
            scanDurations.put(profile, Timer.builder("scanflow.scan.duration")
                    .description("Scan time (scan end minus scan start) stated by each applied report, by profile;"
                            + " a chunk of a split scan counts alone")
                    .tag("profile", profile)
                    .serviceLevelObjectives(SCAN_BUCKETS)
                    .register(registry));
        }
        for (String kind : WRITE_KINDS) {
            writes.put(kind, Counter.builder("scanflow.phpipam.writes")
                    .description("Rows ScanFlow wrote into phpIPAM, by kind (addresses updated, inserted or re-tagged,"
                            + " subnets' lastScan, scan agents' last_access)")
                    .tag("kind", kind)
                    .register(registry));
        }
    }

    private Counter reportCounter(String outcome, String reason) {
        return Counter.builder("scanflow.reports")
                .description("Reports the intake answered, by outcome (accepted, refused, failed) and reason")
                .tag("outcome", outcome)
                .tag("reason", reason)
                .register(registry);
    }

    @Override
    public boolean isEnabled(CamelEvent event) {
        return event instanceof CamelEvent.ExchangeCompletedEvent || event instanceof CamelEvent.ExchangeFailedEvent;
    }

    @Override
    public void notify(CamelEvent event) {
        Exchange exchange = ((CamelEvent.ExchangeEvent) event).getExchange();
        // the request itself, not the copies the route hands on (wire tap, aggregation), which keep its route id
        if (!ROUTE_ID.equals(exchange.getFromRouteId()) || exchange.getProperty(Exchange.CORRELATION_ID) != null
                || exchange.getFromEndpoint() == null
                || !exchange.getFromEndpoint().getEndpointUri().startsWith("platform-http")) {
            return;
        }
        Integer status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        if (status == null) {
            if (!exchange.isFailed()) {
                return; // a copy made before the reply (the wire tap): every reply sets its status
            }
            status = 500;
        }
        reports.getOrDefault(status, otherReports).increment();
        if (status != 202) {
            return;
        }
        apply.record(Duration.ofMillis(Math.max(0, exchange.getClock().elapsed())));
        AuthorizedReport authorized = exchange.getProperty("authorized", AuthorizedReport.class);
        if (authorized != null) {
            ScanReport report = authorized.report();
            String profile = report.profile() == null ? "discovery" : report.profile();
            if (report.scanStart() != null && report.scanEnd() != null && !report.scanEnd().isBefore(report.scanStart())) {
                scanDurations.getOrDefault(profile, scanDurations.get("other"))
                        .record(Duration.between(report.scanStart(), report.scanEnd()));
            }
            String site = authorized.agent().name();
            sites.reportReceived(site, clock.instant());
            if (!Boolean.TRUE.equals(report.partial()) && report.scanEnd() != null) {
                sites.subnetScanned(site, authorized.subnet().cidr().toString(), report.scanEnd());
            }
        }
        countWrites(exchange.getMessage().getBody(String.class));
    }

    private void countWrites(String reply) {
        if (reply == null) {
            return;
        }
        try {
            JsonNode outcome = JSON.readTree(reply);
            writes.get("address_updated").increment(outcome.path("updated").asLong());
            writes.get("address_inserted").increment(outcome.path("inserted").asLong());
            writes.get("address_retagged").increment(outcome.path("retagged").asLong());
            writes.get("subnet_last_scan").increment();
            writes.get("agent_last_access").increment();
        } catch (java.io.IOException e) {
            // not the writer's reply: nothing to count
        }
    }

    private static Duration[] seconds(double... values) {
        Duration[] out = new Duration[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = Duration.ofNanos((long) (values[i] * 1_000_000_000L));
        }
        return out;
    }
}
