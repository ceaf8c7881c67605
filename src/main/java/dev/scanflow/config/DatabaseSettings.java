package dev.scanflow.config;

/**
 * The phpIPAM MariaDB the server reads and writes, and the schema it keeps its own tables in.
 *
 * @param url            scanflow.db.url, JDBC URL of phpIPAM's database (required)
 * @param user           scanflow.db.user (required)
 * @param password       scanflow.db.password, best given as SCANFLOW_DB_PASSWORD (required)
 * @param scanflowSchema scanflow.db.scanflow-schema, default "scanflow"
 * @param poolSize       scanflow.db.pool-size, default 8
 */
public record DatabaseSettings(String url, String user, String password, String scanflowSchema, int poolSize) {

    public static DatabaseSettings from(SettingsSource source) {
        String url = source.required("scanflow.db.url");
        if (!url.startsWith("jdbc:mariadb:") && !url.startsWith("jdbc:mysql:")) {
            throw new InvalidSettings("scanflow.db.url must be a jdbc:mariadb: URL, not " + url);
        }
        String schema = source.string("scanflow.db.scanflow-schema", "scanflow");
        if (!schema.matches("[A-Za-z0-9_]{1,64}")) {
            throw new InvalidSettings("scanflow.db.scanflow-schema must match [A-Za-z0-9_]{1,64}");
        }
        return new DatabaseSettings(url, source.required("scanflow.db.user"), source.required("scanflow.db.password"),
                schema, source.integer("scanflow.db.pool-size", 8, 1, 64));
    }

    @Override
    public String toString() {
        return "DatabaseSettings[url=" + url + ", user=" + user + ", password=****, scanflowSchema=" + scanflowSchema
                + ", poolSize=" + poolSize + "]";
    }
}
