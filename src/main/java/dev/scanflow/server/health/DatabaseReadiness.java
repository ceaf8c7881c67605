package dev.scanflow.server.health;

import dev.scanflow.health.Readiness;
import dev.scanflow.health.ReadinessContributor;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import javax.sql.DataSource;

/**
 * phpIPAM's MariaDB answers a query through the server's own pool within the timeout: the pool's connection
 * wait, the driver's connect and socket timeouts and the statement's query timeout all bound it, and
 * {@link dev.scanflow.health.ReadinessMonitor} bounds it once more.
 */
public final class DatabaseReadiness implements ReadinessContributor {

    private final DataSource dataSource;
    private final Duration timeout;

    public DatabaseReadiness(DataSource dataSource, Duration timeout) {
        this.dataSource = dataSource;
        this.timeout = timeout;
    }

    @Override
    public String id() {
        return "database";
    }

    @Override
    public Readiness check() {
        long started = System.nanoTime();
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.setQueryTimeout((int) Math.max(1, timeout.toSeconds()));
            try (ResultSet result = statement.executeQuery("SELECT 1")) {
                result.next();
            }
            long millis = (System.nanoTime() - started) / 1_000_000;
            return Readiness.up("phpIPAM database answered").with(Map.of("latency_ms", millis));
        } catch (SQLException e) {
            return Readiness.down("phpIPAM database: " + firstLine(e.getMessage()));
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "no answer";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
