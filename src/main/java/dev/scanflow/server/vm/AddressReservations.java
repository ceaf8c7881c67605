package dev.scanflow.server.vm;

import dev.scanflow.net.Cidr;
import dev.scanflow.net.IpAddress;
import dev.scanflow.server.api.ApiError;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Set;

/**
 * phpIPAM's side of a VM: the first free address of a subnet, reserved as phpIPAM's own UI would (state
 * Reserved, hostname, a note naming the job), marked Used when the VM runs, removed when the job rolls back.
 * <p>
 * Serialised per subnet by a row lock on the subnet ({@code SELECT ... FOR UPDATE}) in the caller's
 * transaction: it holds across several ScanFlow servers on one phpIPAM database, and phpIPAM's own API
 * ({@code first_free}) takes no lock at all (docs/stack.md). Never the network, broadcast or gateway address,
 * never an address that has a row.
 */
public final class AddressReservations {

    public record Reservation(long subnetId, String cidr, String address, String gateway, long rowId) {
    }

    /** Also bounds the wait for another request's subnet lock (InnoDB's own lock wait is 50 s by default). */
    private static final int QUERY_TIMEOUT_SECONDS = 30;

    private AddressReservations() {
    }

    /** What a reservation would take now: the subnet and its first free address (null when full). */
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.ALWAYS)
    public record FirstFree(long subnetId, String cidr, String address, String gateway) {
    }

    /**
     * The address {@link #reserve} would take if asked now, read without a lock and reserving nothing (the
     * page's VM wizard shows it): another request may take it first, and the POST then reserves the next.
     */
    public static FirstFree firstFree(Connection connection, long subnetId) throws SQLException {
        Candidate candidate = candidate(connection, subnetId, false);
        return new FirstFree(subnetId, candidate.cidr().toString(),
                candidate.free() == null ? null : IpAddress.fromDecimal(4, candidate.free().toString()).toString(),
                candidate.gateway());
    }

    public static Reservation reserve(Connection connection, String subnet, String hostname, String note)
            throws SQLException {
        long subnetId = subnetId(connection, subnet);
        Candidate candidate = candidate(connection, subnetId, true);
        Cidr cidr = candidate.cidr();
        BigInteger free = candidate.free();
        String gateway = candidate.gateway();
        if (free == null) {
            throw new ApiError(409, "phpIPAM subnet " + subnetId + " (" + cidr + ") has no free address");
        }
        long rowId;
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO ipaddresses (subnetId, ip_addr, description, hostname, state, note) VALUES (?, ?, ?, ?, ?, ?)",
                Statement.RETURN_GENERATED_KEYS)) {
            insert.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
            insert.setLong(1, subnetId);
            insert.setString(2, free.toString());
            insert.setString(3, truncate("VM " + hostname, 64));
            insert.setString(4, hostname);
            insert.setInt(5, tag(connection, "Reserved", 3));
            insert.setString(6, note);
            insert.executeUpdate();
            try (ResultSet keys = insert.getGeneratedKeys()) {
                keys.next();
                rowId = keys.getLong(1);
            }
        }
        return new Reservation(subnetId, cidr.toString(), IpAddress.fromDecimal(4, free.toString()).toString(), gateway, rowId);
    }

    /** State Used, and a note naming the job, the VM id and the node; only the row this job made. */
    public static boolean markUsed(Connection connection, VmJob job, String note) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE ipaddresses SET state = ?, note = ? WHERE id = ? AND subnetId = ? AND ip_addr = ? AND note LIKE ?")) {
            update.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
            update.setInt(1, tag(connection, "Used", 2));
            update.setString(2, note);
            update.setLong(3, job.addressRowId());
            update.setLong(4, job.subnetId());
            update.setString(5, IpAddress.parse(job.address()).decimal());
            update.setString(6, "%" + job.marker() + "%");
            return update.executeUpdate() == 1;
        }
    }

    /**
     * Removes the row this job inserted, if it is still the job's (its note still names the job): a row
     * someone has taken over in phpIPAM meanwhile is left alone. Needs DELETE on ipaddresses (README).
     */
    public static boolean release(Connection connection, VmJob job) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement(
                "DELETE FROM ipaddresses WHERE id = ? AND subnetId = ? AND ip_addr = ? AND note LIKE ?")) {
            delete.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
            delete.setLong(1, job.addressRowId());
            delete.setLong(2, job.subnetId());
            delete.setString(3, IpAddress.parse(job.address()).decimal());
            delete.setString(4, "%" + job.marker() + "%");
            return delete.executeUpdate() == 1;
        }
    }

    private record Candidate(Cidr cidr, BigInteger free, String gateway) {
    }

    /** The subnet (locked FOR UPDATE when {@code lock}) and its lowest host address without a row. */
    private static Candidate candidate(Connection connection, long subnetId, boolean lock) throws SQLException {
        Cidr cidr;
        try (PreparedStatement read = connection.prepareStatement(
                "SELECT subnet, mask, isFolder FROM subnets WHERE id = ?" + (lock ? " FOR UPDATE" : ""))) {
            read.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
            read.setLong(1, subnetId);
            try (ResultSet row = read.executeQuery()) {
                if (!row.next()) {
                    throw ApiError.notFound("phpIPAM has no subnet " + subnetId);
                }
                if (row.getBoolean("isFolder") || row.getString("mask") == null || row.getString("mask").isBlank()) {
                    throw ApiError.badRequest("phpIPAM subnet " + subnetId + " is a folder, not a subnet");
                }
                String decimal = row.getString("subnet");
                int version = new BigInteger(decimal).bitLength() > 32 ? 6 : 4;
                cidr = new Cidr(IpAddress.fromDecimal(version, decimal), Integer.parseInt(row.getString("mask")));
            }
        }
        if (cidr.version() != 4) {
            throw ApiError.badRequest("phpIPAM subnet " + subnetId + " (" + cidr + ") is IPv6: VMs are placed on IPv4 subnets only");
        }
        if (cidr.prefix() > 30) {
            throw new ApiError(409, "phpIPAM subnet " + subnetId + " (" + cidr + ") has no host addresses to give");
        }
        Set<BigInteger> taken = new HashSet<>();
        String gateway = null;
        try (PreparedStatement rows = connection.prepareStatement(
                "SELECT ip_addr, is_gateway FROM ipaddresses WHERE subnetId = ?")) {
            rows.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
            rows.setLong(1, subnetId);
            try (ResultSet row = rows.executeQuery()) {
                while (row.next()) {
                    BigInteger value = new BigInteger(row.getString("ip_addr"));
                    taken.add(value);
                    if (row.getBoolean("is_gateway") && gateway == null) {
                        gateway = IpAddress.fromDecimal(4, value.toString()).toString();
                    }
                }
            }
        }
        BigInteger network = cidr.network().value();
        BigInteger broadcast = cidr.last().value();
        for (BigInteger candidate = network.add(BigInteger.ONE); candidate.compareTo(broadcast) < 0;
             candidate = candidate.add(BigInteger.ONE)) {
            if (!taken.contains(candidate)) {
                return new Candidate(cidr, candidate, gateway);
            }
        }
        return new Candidate(cidr, null, gateway);
    }

    private static long subnetId(Connection connection, String subnet) throws SQLException {
        if (subnet.matches("[0-9]{1,10}")) {
            return Long.parseLong(subnet);
        }
        Cidr cidr;
        try {
            cidr = Cidr.parse(subnet);
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("'subnet' must be a phpIPAM subnet id or a CIDR such as 203.0.113.0/24");
        }
        try (PreparedStatement find = connection.prepareStatement(
                "SELECT id FROM subnets WHERE subnet = ? AND mask = ? AND isFolder = 0")) {
            find.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
            find.setString(1, cidr.network().decimal());
            find.setString(2, Integer.toString(cidr.prefix()));
            try (ResultSet rows = find.executeQuery()) {
                if (!rows.next()) {
                    throw ApiError.notFound("phpIPAM has no subnet " + cidr);
                }
                long id = rows.getLong(1);
                if (rows.next()) {
                    throw new ApiError(409, "phpIPAM has " + cidr + " more than once (sections or VRFs): give the subnet's id");
                }
                return id;
            }
        }
    }

    private static int tag(Connection connection, String type, int fallback) throws SQLException {
        try (PreparedStatement find = connection.prepareStatement("SELECT id FROM ipTags WHERE type = ?")) {
            find.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
            find.setString(1, type);
            try (ResultSet row = find.executeQuery()) {
                return row.next() ? row.getInt(1) : fallback;
            }
        }
    }

    private static String truncate(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max);
    }
}
