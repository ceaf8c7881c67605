package dev.scanflow.server.store;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/** Creates or upgrades ScanFlow's own schema (db/scanflow/V*.sql) beside phpIPAM's; never touches phpIPAM's. */
public final class ScanflowSchema {

    private ScanflowSchema() {
    }

    public static void migrate(DataSource dataSource, String schema) {
        Flyway.configure()
                .dataSource(dataSource)
                .schemas(schema)
                .locations("classpath:db/scanflow")
                .load()
                .migrate();
    }
}
