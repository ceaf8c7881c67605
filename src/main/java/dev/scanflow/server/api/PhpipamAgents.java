package dev.scanflow.server.api;

import dev.scanflow.server.phpipam.PhpipamUnavailable;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * phpIPAM's scan agents, as the API lists them: id, name, type and last access, never the code (an agent's
 * code is what its reports name it by; it has no business in an operator's listing).
 */
public class PhpipamAgents {

    private static final DateTimeFormatter PHPIPAM_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    /** One agent; {@code lastAccess} is phpIPAM's wall-clock time read in phpIPAM's zone, null if never. */
    public record Agent(long id, String name, String type, Instant lastAccess) {
    }

    private final DataSource dataSource;
    private final ZoneId phpipamZone;

    public PhpipamAgents(DataSource dataSource, ZoneId phpipamZone) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.phpipamZone = Objects.requireNonNull(phpipamZone, "phpipamZone");
    }

    public List<Agent> list() {
        // last_access as text: phpIPAM wrote wall-clock time in its zone, the JDBC driver must not shift it
        String sql = "SELECT id, name, type, CAST(last_access AS CHAR) AS last_access FROM scanAgents ORDER BY id";
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql);
             ResultSet rows = statement.executeQuery()) {
            List<Agent> agents = new ArrayList<>();
            while (rows.next()) {
                agents.add(new Agent(rows.getLong("id"), rows.getString("name"), rows.getString("type"),
                        wallClock(rows.getString("last_access"))));
            }
            return agents;
        } catch (SQLException e) {
            throw new PhpipamUnavailable("reading scanAgents", e);
        }
    }

    private Instant wallClock(String text) {
        if (text == null || text.startsWith("0000")) {
            return null;
        }
        try {
            return LocalDateTime.parse(text.length() > 19 ? text.substring(0, 19) : text, PHPIPAM_TIME)
                    .atZone(phpipamZone).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
