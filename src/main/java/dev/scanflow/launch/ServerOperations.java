package dev.scanflow.launch;

import dev.scanflow.config.DatabaseSettings;
import dev.scanflow.config.InvalidSettings;
import dev.scanflow.health.KafkaBrokerReadiness;
import dev.scanflow.server.health.DatabaseReadiness;
import dev.scanflow.server.history.HistoryQueries;
import dev.scanflow.server.metrics.AlertGauges;
import dev.scanflow.server.metrics.ChangeMetrics;
import dev.scanflow.server.metrics.IntakeMetrics;
import dev.scanflow.server.metrics.SiteGauges;
import java.sql.SQLException;
import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The server's readiness (phpIPAM's database) and the metrics of its work. */
final class ServerOperations {

    private static final Logger LOG = LoggerFactory.getLogger(ServerOperations.class);
    /** How often hosts up, open ports and open alerts per subnet are read from ScanFlow's schema. */
    static final long SUBNET_GAUGES_SECONDS = 15;

    private ServerOperations() {
    }

    static void configure(CamelApp app, DatabaseSettings database, DataSource dataSource, String scanflowSchema,
                          java.util.List<String> eventEndpoints) {
        app.readiness().register(new DatabaseReadiness(dataSource, database.connectTimeout()));
        // the brokers events go to: not ready while one does not answer (events would wait or be lost)
        // (with the endpoint's own security options: a secured cluster refuses an anonymous question)
        java.util.List<KafkaBrokerReadiness.Cluster> clusters = KafkaBrokerReadiness.clustersOf(eventEndpoints);
        for (int i = 0; i < clusters.size(); i++) {
            KafkaBrokerReadiness broker = new KafkaBrokerReadiness(clusters.size() == 1 ? "kafka" : "kafka-" + (i + 1),
                    clusters.get(i), java.time.Duration.ofMillis(1500));
            app.closeOnStop(broker);
            app.readiness().register(broker);
        }
        SiteGauges sites = new SiteGauges(app.meterRegistry());
        AlertGauges alerts = new AlertGauges(app.meterRegistry(), dataSource, scanflowSchema);
        app.bean("intakeMetrics", new IntakeMetrics(app.meterRegistry(), sites, Clock.systemUTC()));
        app.bean("changeMetrics", new ChangeMetrics(app.meterRegistry()));
        HistoryQueries queries = new HistoryQueries(dataSource, scanflowSchema);
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "subnet-gauges");
            thread.setDaemon(true);
            return thread;
        });
        app.closeOnStop(timer::shutdownNow);
        app.onStarted(context -> timer.scheduleWithFixedDelay(() -> {
            try {
                sites.refresh(queries);
                alerts.refresh();
            } catch (RuntimeException | SQLException e) {
                LOG.debug("subnet gauges not refreshed: {}", e.getMessage());
            }
        }, 0, SUBNET_GAUGES_SECONDS, TimeUnit.SECONDS));
    }

    /**
     * The first contact with the database, at start, as one line naming the setting to fix: a wrong password,
     * an unknown user, a host that does not answer.
     */
    static InvalidSettings startFailure(DatabaseSettings database, RuntimeException failure) {
        SQLException sql = null;
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException found) {
                sql = found;
            }
        }
        if (sql == null) {
            return null;
        }
        String state = sql.getSQLState() == null ? "" : sql.getSQLState();
        String message = firstLine(sql.getMessage());
        if (state.startsWith("28") || sql.getErrorCode() == 1045) {
            return new InvalidSettings("scanflow.db.user / scanflow.db.password: the database refused user '"
                    + database.user() + "': " + message);
        }
        if (state.startsWith("08") || message.contains("connect") || message.contains("Socket")) {
            return new InvalidSettings("scanflow.db.url: no database answered at " + database.url() + " within "
                    + database.connectTimeout().toSeconds() + " s (scanflow.db.connect-timeout): " + message);
        }
        if (state.startsWith("42") || sql.getErrorCode() == 1044 || sql.getErrorCode() == 1049) {
            return new InvalidSettings("scanflow.db.url / scanflow.db.scanflow-schema: " + message
                    + " (the grants ScanFlow needs are in README.md)");
        }
        return new InvalidSettings("scanflow.db.url: the database at " + database.url() + " failed: " + message);
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "no message";
        }
        int newline = message.indexOf('\n');
        return (newline < 0 ? message : message.substring(0, newline)).strip();
    }
}
