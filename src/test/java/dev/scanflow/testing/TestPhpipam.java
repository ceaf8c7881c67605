package dev.scanflow.testing;

import dev.scanflow.demo.EmbeddedMariaDb;
import dev.scanflow.demo.PhpipamSchema;
import dev.scanflow.net.Cidr;
import dev.scanflow.server.phpipam.ServerGrants;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.commons.dbcp2.BasicDataSource;

/**
 * A fresh phpIPAM database (the 1.8.2 schema fixture with phpIPAM's default rows) and an empty ScanFlow
 * schema on one embedded MariaDB shared by the test JVM, plus a server user holding exactly
 * {@link ServerGrants}. Each call to {@link #create()} gets its own databases and user.
 */
public final class TestPhpipam implements AutoCloseable {

    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private static EmbeddedMariaDb server;

    public final String phpipamSchema;
    public final String scanflowSchema;
    public final String serverUser;
    public final String serverPassword;
    private final BasicDataSource admin;
    private final EmbeddedMariaDb db;

    private TestPhpipam(String phpipamSchema, String scanflowSchema, String serverUser, String serverPassword,
                        BasicDataSource admin, EmbeddedMariaDb db) {
        this.db = db;
        this.phpipamSchema = phpipamSchema;
        this.scanflowSchema = scanflowSchema;
        this.serverUser = serverUser;
        this.serverPassword = serverPassword;
        this.admin = admin;
    }

    private static synchronized EmbeddedMariaDb server() {
        if (server == null) {
            server = EmbeddedMariaDb.start();
            EmbeddedMariaDb started = server;
            Runtime.getRuntime().addShutdownHook(new Thread(started::close));
        }
        return server;
    }

    public static TestPhpipam create() {
        return createOn(server());
    }

    /** On a MariaDB of the test's own, e.g. one the test stops or pauses. */
    public static TestPhpipam createOn(EmbeddedMariaDb db) {
        int n = SEQUENCE.incrementAndGet();
        String phpipam = "phpipam_" + n;
        String scanflow = "scanflow_" + n;
        String user = "scanflow_srv_" + n;
        String password = "pw-" + java.util.UUID.randomUUID();
        db.execute("CREATE DATABASE " + phpipam, "CREATE DATABASE " + scanflow);
        BasicDataSource admin = new BasicDataSource();
        admin.setUrl(db.url(phpipam));
        admin.setUsername(db.adminUser());
        admin.setPassword(db.adminPassword());
        PhpipamSchema.load(admin);
        db.execute("CREATE USER '" + user + "'@'%' IDENTIFIED BY '" + password + "'");
        db.execute(ServerGrants.statements(user, phpipam, scanflow).toArray(String[]::new));
        return new TestPhpipam(phpipam, scanflow, user, password, admin, db);
    }

    public String url() {
        return db.url(phpipamSchema);
    }

    /** Settings for a server that connects as the least-privilege user. */
    public Properties serverProperties() {
        Properties properties = new Properties();
        properties.setProperty("scanflow.db.url", url());
        properties.setProperty("scanflow.db.user", serverUser);
        properties.setProperty("scanflow.db.password", serverPassword);
        properties.setProperty("scanflow.db.scanflow-schema", scanflowSchema);
        return properties;
    }

    public BasicDataSource admin() {
        return admin;
    }

    public long insertAgent(String name, String code) {
        return insert("INSERT INTO scanAgents (name, description, type, code) VALUES (?, 'test agent', 'mysql', ?)", name, code);
    }

    public long insertSubnet(Cidr cidr, Long agentId, boolean ping, boolean discover) {
        return insert("INSERT INTO subnets (subnet, mask, sectionId, description, pingSubnet, discoverSubnet, scanAgent)"
                        + " VALUES (?, ?, 1, 'test subnet', ?, ?, ?)",
                cidr.network().decimal(), Integer.toString(cidr.prefix()), ping ? 1 : 0, discover ? 1 : 0, agentId);
    }

    public long insert(String sql, Object... values) {
        try (Connection connection = admin.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql, Statement.RETURN_GENERATED_KEYS)) {
            for (int i = 0; i < values.length; i++) {
                statement.setObject(i + 1, values[i]);
            }
            statement.executeUpdate();
            try (ResultSet keys = statement.getGeneratedKeys()) {
                return keys.next() ? keys.getLong(1) : -1;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public void execute(String sql, Object... values) {
        insert(sql, values);
    }

    public List<Map<String, Object>> rows(String sql, Object... values) {
        try (Connection connection = admin.getConnection()) {
            return rows(connection, sql, values);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Waits until {@code sql} returns at least {@code count} rows: the server applies reports and scans on
     * threads of its own, so tests poll for the result rather than sleep a guess.
     */
    public void awaitRows(String sql, int count, java.time.Duration timeout) {
        java.time.Instant deadline = java.time.Instant.now().plus(timeout);
        while (rows(sql).size() < count) {
            if (java.time.Instant.now().isAfter(deadline)) {
                throw new AssertionError("fewer than " + count + " rows of [" + sql + "] within " + timeout);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + sql, e);
            }
        }
    }

    /** Waits until the server has applied at least {@code count} reports. */
    public void awaitReports(int count, java.time.Duration timeout) {
        awaitRows("SELECT report_id FROM `" + scanflowSchema + "`.ingested_reports", count, timeout);
    }

    /** Reads in a brand-new session, as a PHP request of phpIPAM does: it gets the server's global settings. */
    public List<Map<String, Object>> rowsInNewSession(String sql, Object... values) {
        try (Connection connection = java.sql.DriverManager.getConnection(url(), db.adminUser(), db.adminPassword())) {
            return rows(connection, sql, values);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<Map<String, Object>> rows(Connection connection, String sql, Object... values) {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                statement.setObject(i + 1, values[i]);
            }
            List<Map<String, Object>> rows = new ArrayList<>();
            try (ResultSet result = statement.executeQuery()) {
                ResultSetMetaData meta = result.getMetaData();
                while (result.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int c = 1; c <= meta.getColumnCount(); c++) {
                        Object value = result.getObject(c);
                        row.put(meta.getColumnLabel(c), value instanceof byte[] raw ? java.util.HexFormat.of().formatHex(raw)
                                : value == null ? null : String.valueOf(value));
                    }
                    rows.add(row);
                }
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every row of every phpIPAM table and of ScanFlow's report table, for "nothing changed" assertions. */
    public Map<String, List<Map<String, Object>>> snapshot() {
        Map<String, List<Map<String, Object>>> tables = new LinkedHashMap<>();
        for (Map<String, Object> table : rows("SELECT table_name AS t FROM information_schema.tables"
                + " WHERE table_schema = ? ORDER BY table_name", phpipamSchema)) {
            String name = String.valueOf(table.get("t"));
            tables.put(name, rows("SELECT * FROM `" + name + "` ORDER BY 1"));
        }
        tables.put("scanflow.ingested_reports", rows("SELECT * FROM `" + scanflowSchema + "`.ingested_reports ORDER BY 1"));
        return tables;
    }

    @Override
    public void close() {
        try {
            admin.close();
        } catch (SQLException e) {
            // test teardown
        }
    }
}
