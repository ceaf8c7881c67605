package dev.scanflow.config;

import dev.scanflow.net.Cidr;
import dev.scanflow.tls.ServerTls;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.List;

/**
 * The server role. Every key, its default and its meaning are listed in config/server.properties.
 *
 * @param host              scanflow.server.host, default 0.0.0.0
 * @param port              scanflow.server.port, default 8080 (also serves /observe/health and /observe/metrics)
 * @param maxBodyBytes      scanflow.server.max-body-bytes, default 16 MiB; larger reports get 413
 * @param tokensFile        scanflow.server.tokens-file, default config/agent-tokens
 * @param authFailureLimit  scanflow.server.auth-failure-limit: refusals (401/403) per source before 429, default 10
 * @param authFailureWindow scanflow.server.auth-failure-window: the window those are counted in, default 10m
 * @param trustedProxies    scanflow.server.trusted-proxies: CIDRs whose X-Forwarded-For is believed, default none
 * @param phpipamTimeZone   scanflow.phpipam.time-zone: PHP's date.timezone of the phpIPAM install, default UTC
 * @param writeMac          scanflow.phpipam.write-mac, default true: store MACs the scan saw
 * @param fillEmptyHostnamesOnly scanflow.phpipam.resolve-empty-only, default true: with resolveDNS, only
 *                          empty hostnames are filled (phpIPAM's own default), never overwritten
 * @param apiToken          scanflow.server.api-token: operator token for the API and event stream; none = closed
 * @param eventEndpoints    scanflow.events.endpoints: Camel endpoint URIs every change and alert event goes to,
 *                          comma-separated; default the server's own SSE stream only
 * @param eventStreamClients scanflow.events.stream-max-clients: concurrent SSE clients, default 50
 * @param deltas            scanflow.deltas.*: whether changes, history and alerts are kept, and how
 * @param alertRulesFile    scanflow.alerts.rules-file, default config/alert-rules.yaml
 * @param database          scanflow.db.*
 * @param management        who may use /observe (scanflow.observe.*; the operator token is scanflow.server.api-token)
 * @param tls               scanflow.server.tls.*: HTTPS on the server's port, or null for plain HTTP
 * @param maxClockSkew      scanflow.server.max-clock-skew: how far a report's scanStart may be ahead of the
 *                          server's clock before it is refused with 400, default 10m
 * @param kafka             scanflow.kafka.*: with scanflow.kafka.brokers set, reports are also taken from Kafka
 * @param console           scanflow.events.keep-alive/retry/journal-retention, scanflow.fleet.*: the operator console
 * @param trafficTestsFile  scanflow.traffic.tests-file, default config/traffic-tests.yaml (issue 14)
 * @param monitoring        scanflow.monitoring.*, scanflow.alertmanager.*: Prometheus discovery, Alertmanager (issue 16)
 * @param access            scanflow.server.operator-tokens-file, scanflow.server.rate-limit-*: roles and rate limits (issue 16)
 */
public record ServerSettings(String host, int port, long maxBodyBytes, Path tokensFile, int authFailureLimit,
                             Duration authFailureWindow, List<Cidr> trustedProxies, ZoneId phpipamTimeZone,
                             boolean writeMac, boolean fillEmptyHostnamesOnly, String apiToken,
                             List<String> eventEndpoints, int eventStreamClients, DeltaSettings deltas,
                             Path alertRulesFile, DatabaseSettings database, ManagementSettings management,
                             ServerTls tls, Duration maxClockSkew, java.util.Optional<KafkaSettings> kafka, ConsoleSettings console,
                             Path trafficTestsFile, dev.scanflow.server.monitoring.MonitoringSettings monitoring,
                             dev.scanflow.server.access.AccessSettings access) {

    /**
     * @param enabled        scanflow.deltas.enabled, default true
     * @param confirmMisses  scanflow.deltas.confirm-misses: covering scans that must miss a host or port before
     *                       it is gone or closed, default 2 (masscan drops packets at high rates)
     * @param closedConfirmsAtOnce scanflow.deltas.closed-confirms-at-once: a port the scanner reports "closed"
     *                       (the host's own reset, which packet loss cannot fake) is closed without waiting, default true
     * @param chunkTimeout   scanflow.deltas.chunk-timeout: how long the chunks of one scan are awaited, default 15m
     */
    public record DeltaSettings(boolean enabled, int confirmMisses, boolean closedConfirmsAtOnce, Duration chunkTimeout) {
    }

    public static ServerSettings from(SettingsSource source, Path home) {
        List<Cidr> proxies;
        try {
            proxies = Arrays.stream(source.string("scanflow.server.trusted-proxies", "").split(","))
                    .map(String::strip).filter(s -> !s.isEmpty()).map(Cidr::parse).toList();
        } catch (IllegalArgumentException e) {
            throw new InvalidSettings("scanflow.server.trusted-proxies: " + e.getMessage());
        }
        return new ServerSettings(
                source.string("scanflow.server.host", "0.0.0.0"),
                source.integer("scanflow.server.port", 8080, 1, 65535),
                source.bytes("scanflow.server.max-body-bytes", 16L * 1024 * 1024),
                home.resolve(source.string("scanflow.server.tokens-file", "config/agent-tokens")),
                source.integer("scanflow.server.auth-failure-limit", 10, 1, 1_000_000),
                source.duration("scanflow.server.auth-failure-window", Duration.ofMinutes(10)),
                proxies,
                source.zone("scanflow.phpipam.time-zone", ZoneId.of("UTC")),
                source.bool("scanflow.phpipam.write-mac", true),
                source.bool("scanflow.phpipam.resolve-empty-only", true),
                source.raw("scanflow.server.api-token"),
                Arrays.stream(source.string("scanflow.events.endpoints", "bean:eventStream?method=publish").split(","))
                        .map(String::strip).filter(s -> !s.isEmpty()).toList(),
                source.integer("scanflow.events.stream-max-clients", 50, 1, 10_000),
                new DeltaSettings(source.bool("scanflow.deltas.enabled", true),
                        source.integer("scanflow.deltas.confirm-misses", 2, 1, 100),
                        source.bool("scanflow.deltas.closed-confirms-at-once", true),
                        source.duration("scanflow.deltas.chunk-timeout", Duration.ofMinutes(15))),
                home.resolve(source.string("scanflow.alerts.rules-file", "config/alert-rules.yaml")),
                DatabaseSettings.from(source),
                ManagementSettings.from(source, "scanflow.server.api-token"),
                ServerTls.fromIfConfigured(source, home),
                source.duration("scanflow.server.max-clock-skew", Duration.ofMinutes(10)),
                KafkaSettings.fromIfConfigured(source),
                ConsoleSettings.from(source),
                home.resolve(source.string("scanflow.traffic.tests-file", "config/traffic-tests.yaml")),
                dev.scanflow.server.monitoring.MonitoringSettings.from(source, home),
                dev.scanflow.server.access.AccessSettings.from(source, home));
    }

    @Override
    public String toString() {
        return "ServerSettings[host=" + host + ", port=" + port + ", apiToken=" + (apiToken == null ? "none" : "****")
                + ", eventEndpoints=" + eventEndpoints + ", database=" + database + ", tls=" + tls + "]";
    }
}
