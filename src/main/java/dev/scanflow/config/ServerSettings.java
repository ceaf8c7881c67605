package dev.scanflow.config;

import java.nio.file.Path;
import java.time.ZoneId;

/**
 * The server role. Every key, its default and its meaning are listed in config/server.properties.
 *
 * @param host             scanflow.server.host, default 0.0.0.0
 * @param port             scanflow.server.port, default 8080 (also serves /observe/health and /observe/metrics)
 * @param maxBodyBytes     scanflow.server.max-body-bytes, default 16 MiB; larger reports get 413
 * @param tokensFile       scanflow.server.tokens-file, default config/agent-tokens
 * @param phpipamTimeZone  scanflow.phpipam.time-zone: PHP's date.timezone of the phpIPAM install, default UTC
 * @param writeMac         scanflow.phpipam.write-mac, default true: store MACs the scan saw
 * @param database         scanflow.db.*
 */
public record ServerSettings(String host, int port, long maxBodyBytes, Path tokensFile, ZoneId phpipamTimeZone,
                             boolean writeMac, DatabaseSettings database) {

    public static ServerSettings from(SettingsSource source, Path home) {
        return new ServerSettings(
                source.string("scanflow.server.host", "0.0.0.0"),
                source.integer("scanflow.server.port", 8080, 1, 65535),
                source.bytes("scanflow.server.max-body-bytes", 16L * 1024 * 1024),
                home.resolve(source.string("scanflow.server.tokens-file", "config/agent-tokens")),
                source.zone("scanflow.phpipam.time-zone", ZoneId.of("UTC")),
                source.bool("scanflow.phpipam.write-mac", true),
                DatabaseSettings.from(source));
    }
}
