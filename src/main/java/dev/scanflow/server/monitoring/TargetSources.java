package dev.scanflow.server.monitoring;

import dev.scanflow.net.Cidr;
import dev.scanflow.net.IpAddress;
import dev.scanflow.server.phpipam.Vlan;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;

/**
 * What the monitoring targets are made of, read from committed rows only: ScanFlow's state (open ports of hosts
 * up, hosts confirmed gone, VM jobs that succeeded) and phpIPAM's subnets, VLANs, scan agents and addresses.
 * Parameterized SQL, every statement bounded by the pool's query timeout.
 */
final class TargetSources {

    private static final int BATCH = 500;
    private static final BigInteger IPV4_LIMIT = BigInteger.ONE.shiftLeft(32);

    /** A port a scan found open on a host that is up. */
    record OpenPort(String site, long subnetId, String cidr, String ip, int port) {
    }

    /** A VM job that succeeded. */
    record CreatedVm(String jobId, long subnetId, String cidr, String ip, Integer vmid, String request) {
    }

    /** A phpIPAM subnet with its VLAN (null when it has none) and its scan agent's name (null when none). */
    record SubnetInfo(long id, Cidr cidr, Integer vlanNumber, String vlanName, String agent) {
    }

    /** phpIPAM's address row: hostname and description. */
    record AddressInfo(String hostname, String description) {
    }

    private final DataSource dataSource;
    private final String schema;

    TargetSources(DataSource dataSource, String schema) {
        if (!schema.matches("[A-Za-z0-9_]{1,64}")) {
            throw new IllegalArgumentException("schema name: " + schema);
        }
        this.dataSource = dataSource;
        this.schema = "`" + schema + "`";
    }

    List<OpenPort> openPorts(Collection<Integer> ports) throws SQLException {
        List<OpenPort> found = new ArrayList<>();
        if (ports.isEmpty()) {
            return found;
        }
        String sql = "SELECT t.site, t.subnet_id, t.cidr, h.ip, p.port FROM " + schema + ".port_state p"
                + " JOIN " + schema + ".host_state h ON h.subnet_ref = p.subnet_ref AND h.address = p.address"
                + " JOIN " + schema + ".tracked_subnets t ON t.id = p.subnet_ref"
                + " WHERE p.protocol = 'tcp' AND p.status = 'open' AND h.status = 'up' AND p.port IN ("
                + marks(ports.size()) + ")";
        query(sql, new ArrayList<>(ports), row -> found.add(new OpenPort(row.getString(1), row.getLong(2),
                row.getString(3), row.getString(4), row.getInt(5))));
        return found;
    }

    List<CreatedVm> createdVms() throws SQLException {
        List<CreatedVm> found = new ArrayList<>();
        query("SELECT job_id, subnet_id, subnet_cidr, address, vmid, request FROM " + schema + ".vm_jobs"
                + " WHERE status = 'succeeded'", List.of(), row -> found.add(new CreatedVm(row.getString(1), row.getLong(2),
                row.getString(3), row.getString(4), (Integer) row.getObject(5, Integer.class), row.getString(6))));
        return found;
    }

    /**
     * The (phpIPAM subnet id, address) pairs among {@code ips} that ScanFlow's scans confirmed gone and no site
     * sees up: "subnetId|ip".
     */
    Set<String> confirmedGone(Collection<String> ips) throws SQLException {
        Map<String, Boolean> upByKey = new HashMap<>();
        for (List<String> batch : batches(new ArrayList<>(ips))) {
            query("SELECT t.subnet_id, h.ip, h.status FROM " + schema + ".host_state h JOIN " + schema
                    + ".tracked_subnets t ON t.id = h.subnet_ref WHERE h.ip IN (" + marks(batch.size()) + ")", batch,
                    row -> upByKey.merge(row.getLong(1) + "|" + row.getString(2), "up".equals(row.getString(3)),
                            Boolean::logicalOr));
        }
        Set<String> gone = new java.util.HashSet<>();
        upByKey.forEach((key, up) -> {
            if (!up) {
                gone.add(key);
            }
        });
        return gone;
    }

    Map<Long, SubnetInfo> subnets(Collection<Long> ids) throws SQLException {
        Map<Long, SubnetInfo> found = new HashMap<>();
        for (List<Long> batch : batches(new ArrayList<>(ids))) {
            query("SELECT s.id, s.subnet, s.mask, v.number, v.name, a.name FROM subnets s"
                    + Vlan.join("s", "v") + " LEFT JOIN scanAgents a ON a.id = s.scanAgent"
                    + " WHERE s.id IN (" + marks(batch.size()) + ")", batch, row -> {
                        SubnetInfo info = subnet(row);
                        if (info != null) {
                            found.put(info.id(), info);
                        }
                    });
        }
        return found;
    }

    /** Every phpIPAM subnet that is no folder, to find which one holds an address. */
    List<SubnetInfo> allSubnets() throws SQLException {
        List<SubnetInfo> found = new ArrayList<>();
        query("SELECT s.id, s.subnet, s.mask, v.number, v.name, a.name FROM subnets s"
                + Vlan.join("s", "v") + " LEFT JOIN scanAgents a ON a.id = s.scanAgent"
                + " WHERE s.isFolder = 0", List.of(), row -> {
                    SubnetInfo info = subnet(row);
                    if (info != null) {
                        found.add(info);
                    }
                });
        return found;
    }

    /** phpIPAM's rows for these addresses of one subnet, by address text. */
    Map<String, AddressInfo> addresses(long subnetId, Collection<String> ips) throws SQLException {
        Map<String, String> ipByDecimal = new HashMap<>();
        for (String ip : ips) {
            ipByDecimal.put(IpAddress.parse(ip).decimal(), ip);
        }
        Map<String, AddressInfo> found = new HashMap<>();
        for (List<String> batch : batches(new ArrayList<>(ipByDecimal.keySet()))) {
            List<Object> values = new ArrayList<>();
            values.add(subnetId);
            values.addAll(batch);
            query("SELECT ip_addr, hostname, description FROM ipaddresses WHERE subnetId = ? AND ip_addr IN ("
                    + marks(batch.size()) + ")", values, row -> found.put(ipByDecimal.get(row.getString(1)),
                    new AddressInfo(row.getString(2), row.getString(3))));
        }
        return found;
    }

    private static SubnetInfo subnet(ResultSet row) throws SQLException {
        String decimal = row.getString(2);
        String mask = row.getString(3);
        if (decimal == null || mask == null || !decimal.matches("\\d{1,39}") || !mask.matches("\\d{1,3}")) {
            return null; // a row phpIPAM itself could not use as a subnet
        }
        BigInteger value = new BigInteger(decimal);
        int prefix = Integer.parseInt(mask);
        try {
            int version = value.compareTo(IPV4_LIMIT) < 0 && prefix <= 32 ? 4 : 6;
            Cidr cidr = new Cidr(new IpAddress(version, value), prefix);
            Vlan vlan = Vlan.read(row, 4, 5);
            return new SubnetInfo(row.getLong(1), cidr, vlan == null ? null : vlan.number(), vlan == null ? null : vlan.name(),
                    row.getString(6));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private interface RowReader {
        void read(ResultSet row) throws SQLException;
    }

    private void query(String sql, List<?> values, RowReader reader) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < values.size(); i++) {
                statement.setObject(i + 1, values.get(i));
            }
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    reader.read(rows);
                }
            }
        }
    }

    private static String marks(int count) {
        return String.join(", ", java.util.Collections.nCopies(count, "?"));
    }

    private static <T> List<List<T>> batches(List<T> all) {
        List<List<T>> batches = new ArrayList<>();
        for (int i = 0; i < all.size(); i += BATCH) {
            batches.add(all.subList(i, Math.min(all.size(), i + BATCH)));
        }
        return batches;
    }
}
