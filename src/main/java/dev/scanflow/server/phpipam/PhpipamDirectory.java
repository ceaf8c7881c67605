package dev.scanflow.server.phpipam;

import dev.scanflow.net.Cidr;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/** Reads who the agents are and which subnets phpIPAM assigns them. Never writes. */
public class PhpipamDirectory {

    private final DataSource dataSource;

    public PhpipamDirectory(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public Optional<ScanAgent> agentByCode(String code) {
        String sql = "SELECT id, name FROM scanAgents WHERE code = ?";
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, code);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() ? Optional.of(new ScanAgent(rows.getLong("id"), rows.getString("name")))
                        : Optional.empty();
            }
        } catch (SQLException e) {
            throw new PhpipamUnavailable("reading scanAgents", e);
        }
    }

    /** The agent's subnets whose address and mask equal the given CIDR, with their child counts. */
    public List<PhpipamSubnet> subnetsOf(long agentId, Cidr cidr) {
        String sql = "SELECT s.id, s.isFolder, s.isPool, s.pingSubnet, s.discoverSubnet, s.resolveDNS,"
                + " (SELECT COUNT(*) FROM subnets c WHERE c.masterSubnetId = s.id) AS children"
                + " FROM subnets s WHERE s.scanAgent = ? AND s.subnet = ? AND s.mask = ?";
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setLong(1, agentId);
            statement.setString(2, cidr.network().decimal());
            statement.setString(3, Integer.toString(cidr.prefix()));
            List<PhpipamSubnet> subnets = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    subnets.add(new PhpipamSubnet(rows.getLong("id"), cidr, rows.getBoolean("isFolder"),
                            rows.getBoolean("isPool"), rows.getBoolean("pingSubnet"),
                            rows.getBoolean("discoverSubnet"), rows.getBoolean("resolveDNS"), rows.getInt("children")));
                }
            }
            return subnets;
        } catch (SQLException e) {
            throw new PhpipamUnavailable("reading subnets", e);
        }
    }
}
