package dev.scanflow.demo;

import dev.scanflow.net.Cidr;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * The demo's phpIPAM content: a scan agent with a fresh 32-character code (phpIPAM's html-safe alphabet),
 * and one subnet of section 1 assigned to it with status checks and discovery on.
 */
public record DemoSite(long agentId, String agentName, String agentCode, long subnetId, Cidr subnet) {

    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    public static DemoSite seed(DataSource dataSource, Cidr subnet) {
        String code = newAgentCode();
        String name = "scanflow-demo";
        try (Connection connection = dataSource.getConnection()) {
            long agentId = insert(connection,
                    "INSERT INTO scanAgents (name, description, type, code) VALUES (?, ?, 'mysql', ?)",
                    name, "ScanFlow demo agent", code);
            long subnetId = insert(connection,
                    "INSERT INTO subnets (subnet, mask, sectionId, description, pingSubnet, discoverSubnet, scanAgent)"
                            + " VALUES (?, ?, 1, 'ScanFlow demo subnet', 1, 1, ?)",
                    subnet.network().decimal(), Integer.toString(subnet.prefix()), agentId);
            return new DemoSite(agentId, name, code, subnetId, subnet);
        } catch (SQLException e) {
            throw new IllegalStateException("seeding the demo phpIPAM: " + e.getMessage(), e);
        }
    }

    /** A row entered by hand before any scan, so the demo shows an update beside the discoveries. */
    public void addKnownAddress(DataSource dataSource, java.math.BigInteger address) {
        try (Connection connection = dataSource.getConnection()) {
            insert(connection, "INSERT INTO ipaddresses (subnetId, ip_addr, description, hostname) VALUES (?, ?, ?, ?)",
                    subnetId, address.toString(), "entered by hand", "known-host");
        } catch (SQLException e) {
            throw new IllegalStateException("seeding the demo phpIPAM: " + e.getMessage(), e);
        }
    }

    static String newAgentCode() {
        SecureRandom random = new SecureRandom();
        StringBuilder code = new StringBuilder();
        for (int i = 0; i < 32; i++) {
            code.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return code.toString();
    }

    private static long insert(Connection connection, String sql, Object... values) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql, Statement.RETURN_GENERATED_KEYS)) {
            for (int i = 0; i < values.length; i++) {
                statement.setObject(i + 1, values[i]);
            }
            statement.executeUpdate();
            try (ResultSet keys = statement.getGeneratedKeys()) {
                keys.next();
                return keys.getLong(1);
            }
        }
    }
}
