package dev.scanflow.config;

import java.time.Duration;

/**
 * The phpIPAM MariaDB the server reads and writes, and the schema it keeps its own tables in. Every call to
 * the database is bounded: a hung database (a stopped process, a dead link) turns into an error, and so into
 * a 503 and a DOWN readiness, within seconds instead of blocking a request for minutes.
 *
 * @param url            scanflow.db.url, JDBC URL of phpIPAM's database (required)
 * @param user           scanflow.db.user (required)
 * @param password       scanflow.db.password, best given as SCANFLOW_DB_PASSWORD (required)
 * @param scanflowSchema scanflow.db.scanflow-schema, default "scanflow"
 * @param poolSize       scanflow.db.pool-size, default 8
 * @param connectTimeout scanflow.db.connect-timeout: TCP connect and login, and checking a pooled connection
 *                       before use, default 5s
 * @param queryTimeout   scanflow.db.query-timeout: longest wait for one statement's answer (the driver's socket
 *                       timeout and every statement's query timeout), default 10s; a report's batched write of
 *                       20,000 rows takes about 1.5 s. The driver also waits this long for a new connection's
 *                       greeting, so a hung server costs at most connect-timeout + query-timeout
 * @param poolWait       scanflow.db.pool-wait: longest wait for a free pooled connection, default 5s
 */
public record DatabaseSettings(String url, String user, String password, String scanflowSchema, int poolSize,
                               Duration connectTimeout, Duration queryTimeout, Duration poolWait) {

    public DatabaseSettings(String url, String user, String password, String scanflowSchema, int poolSize) {
        this(url, user, password, scanflowSchema, poolSize, Duration.ofSeconds(5), Duration.ofSeconds(10),
                Duration.ofSeconds(5));
    }

    public static DatabaseSettings from(SettingsSource source) {
        String url = source.required("scanflow.db.url");
        if (!url.startsWith("jdbc:mariadb:") && !url.startsWith("jdbc:mysql:")) {
            throw new InvalidSettings("scanflow.db.url must be a jdbc:mariadb: URL, not " + url);
        }
        String schema = source.string("scanflow.db.scanflow-schema", "scanflow");
        if (!schema.matches("[A-Za-z0-9_]{1,64}")) {
            throw new InvalidSettings("scanflow.db.scanflow-schema must match [A-Za-z0-9_]{1,64}");
        }
        Duration connectTimeout = bounded(source, "scanflow.db.connect-timeout", Duration.ofSeconds(5));
        Duration queryTimeout = bounded(source, "scanflow.db.query-timeout", Duration.ofSeconds(10));
        Duration poolWait = bounded(source, "scanflow.db.pool-wait", Duration.ofSeconds(5));
        return new DatabaseSettings(url, source.required("scanflow.db.user"), source.required("scanflow.db.password"),
                schema, source.integer("scanflow.db.pool-size", 8, 1, 64), connectTimeout, queryTimeout, poolWait);
    }

    /** Whole seconds from 1 s to 1 h: JDBC's query timeout counts in seconds, and 0 would mean "none". */
    private static Duration bounded(SettingsSource source, String key, Duration fallback) {
        Duration value = source.duration(key, fallback);
        if (value.toSeconds() < 1 || value.toSeconds() > 3600) {
            throw new InvalidSettings(key + " must be between 1s and 1h, not " + value.toSeconds() + " s");
        }
        return Duration.ofSeconds(value.toSeconds());
    }

    @Override
    public String toString() {
        return "DatabaseSettings[url=" + url + ", user=" + user + ", password=****, scanflowSchema=" + scanflowSchema
                + ", poolSize=" + poolSize + ", connectTimeout=" + connectTimeout + ", queryTimeout=" + queryTimeout
                + ", poolWait=" + poolWait + "]";
    }
}
