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
 */
public record ConsoleSettings(Duration streamKeepAlive, Duration streamRetry, Duration journalRetention,
                              Duration heartbeatInterval, int missedIntervals) {

    public static ConsoleSettings from(SettingsSource source) {
        return new ConsoleSettings(
                source.duration("scanflow.events.keep-alive", Duration.ofSeconds(15)),
                source.duration("scanflow.events.retry", Duration.ofSeconds(3)),
                source.duration("scanflow.events.journal-retention", Duration.ofDays(7)),
                source.duration("scanflow.fleet.heartbeat-interval", Duration.ofSeconds(30)),
                source.integer("scanflow.fleet.offline-after-missed", 2, 1, 1000));
    }
}
