package dev.scanflow.config;

import java.time.Duration;

/**
 * The operator console's settings (issue 15): the live event stream, the fleet's heartbeats.
 *
 * @param streamKeepAlive   scanflow.events.keep-alive: a comment line this often keeps idle proxies from
 *                          closing the SSE stream, default 15s
 * @param streamRetry       scanflow.events.retry: the reconnect delay the stream asks clients for, default 3s
 * @param journalRetention  scanflow.events.journal-retention: how long sent events stay replayable, default 168h
 * @param heartbeatInterval scanflow.fleet.heartbeat-interval: how often agents are expected to report in, default 30s
 * @param missedIntervals   scanflow.fleet.offline-after-missed: intervals missed before an agent is offline
 *                          (one missed interval makes it late), default 2
 * @param jobClaimTimeout   scanflow.jobs.claim-timeout: a scan job no agent claimed within this fails, default 10m
 * @param jobRunTimeout     scanflow.jobs.run-timeout: a claimed job not finished within this is requeued or failed, default 30m
 * @param jobRequeue        scanflow.jobs.on-timeout: requeue (default) or fail a job past its run timeout
 * @param jobMaxAttempts    scanflow.jobs.max-attempts: claims a job gets before a timeout fails it, default 3
 * @param grafanaUrl        scanflow.web.grafana-url: where operators open Grafana (with config/grafana's dashboards
 *                          provisioned), an absolute http(s) URL without query; the page links a host, a subnet
 *                          and a traffic pair to their dashboards there. Unset (default): no links
 */
public record ConsoleSettings(Duration streamKeepAlive, Duration streamRetry, Duration journalRetention,
                              Duration heartbeatInterval, int missedIntervals, Duration jobClaimTimeout,
                              Duration jobRunTimeout, boolean jobRequeue, int jobMaxAttempts,
                              String grafanaUrl) {

    public static ConsoleSettings from(SettingsSource source) {
        return new ConsoleSettings(
                source.duration("scanflow.events.keep-alive", Duration.ofSeconds(15)),
                source.duration("scanflow.events.retry", Duration.ofSeconds(3)),
                source.duration("scanflow.events.journal-retention", Duration.ofDays(7)),
                source.duration("scanflow.fleet.heartbeat-interval", Duration.ofSeconds(30)),
                source.integer("scanflow.fleet.offline-after-missed", 2, 1, 1000),
                source.duration("scanflow.jobs.claim-timeout", Duration.ofMinutes(10)),
                source.duration("scanflow.jobs.run-timeout", Duration.ofMinutes(30)),
                onTimeout(source.string("scanflow.jobs.on-timeout", "requeue")),
                source.integer("scanflow.jobs.max-attempts", 3, 1, 100),
                grafanaUrl(source.string("scanflow.web.grafana-url", "")));
    }

    private static String grafanaUrl(String value) {
        String url = value.strip();
        if (url.isEmpty()) {
            return null;
        }
        java.net.URI uri;
        try {
            uri = new java.net.URI(url);
        } catch (java.net.URISyntaxException e) {
            throw new InvalidSettings("scanflow.web.grafana-url: not a URL: " + e.getMessage());
        }
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null
                || uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
            throw new InvalidSettings("scanflow.web.grafana-url: an http or https URL such as https://grafana.example.org/"
                    + " (no query, fragment or credentials), got " + url);
        }
        // links append /d/<uid>/...: one form whether or not the operator wrote the trailing slash
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    private static boolean onTimeout(String value) {
        return switch (value.strip()) {
            case "requeue" -> true;
            case "fail" -> false;
            default -> throw new InvalidSettings("scanflow.jobs.on-timeout: requeue or fail, got " + value);
        };
    }
}
