package dev.scanflow.server.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;

/**
 * {@code scanflow_alerts_open{severity, status}}: alerts not resolved, by severity (info, low, medium, high,
 * critical) and status (open, acknowledged): 10 series at most, all present from the start.
 */
public final class AlertGauges {

    static final String[] SEVERITIES = {"info", "low", "medium", "high", "critical"};
    static final String[] STATUSES = {"open", "acknowledged"};

    private final DataSource dataSource;
    private final String sql;
    private final Map<String, AtomicLong> values = new ConcurrentHashMap<>();

    public AlertGauges(MeterRegistry registry, DataSource dataSource, String scanflowSchema) {
        this.dataSource = dataSource;
        this.sql = "SELECT severity, status, COUNT(*) FROM `" + scanflowSchema + "`.alerts"
                + " WHERE status <> 'resolved' GROUP BY severity, status";
        for (String severity : SEVERITIES) {
            for (String status : STATUSES) {
                AtomicLong value = new AtomicLong();
                values.put(severity + "/" + status, value);
                Gauge.builder("scanflow.alerts.open", value, AtomicLong::get)
                        .description("Alerts not resolved, by severity and status (open or acknowledged)")
                        .tags("severity", severity, "status", status)
                        .register(registry);
            }
        }
    }

    public void refresh() throws SQLException {
        Map<String, Long> counted = new HashMap<>();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql);
             ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                counted.put(rows.getString(1) + "/" + rows.getString(2), rows.getLong(3));
            }
        }
        values.forEach((key, value) -> value.set(counted.getOrDefault(key, 0L)));
    }
}
