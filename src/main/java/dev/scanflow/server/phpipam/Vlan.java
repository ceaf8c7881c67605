package dev.scanflow.server.phpipam;

import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * phpIPAM's VLAN of a subnet: {@code subnets.vlanId} points at {@code vlans.vlanId}, whose {@code number} is the
 * 802.1Q tag and {@code name} its label. A subnet whose vlanId is NULL (or points at no row) has no VLAN: its
 * traffic is untagged, and everything ScanFlow shows of it says "no VLAN" (null in JSON, "none" as a metric label).
 * The one place the join is written, so the operator API, the metrics, the monitoring targets and the VM flow
 * read the same VLAN.
 */
public record Vlan(int number, String name) {

    /** 802.1Q: 0 and 4095 are reserved, so a tag is 1 to 4094 (Proxmox's net[n] tag has the same range). */
    public static final int MIN = 1;
    public static final int MAX = 4094;

    /** What a metric label says for a subnet without a VLAN. */
    public static final String NONE_LABEL = "none";

    /** Joins phpIPAM's {@code vlans} as {@code vlanAlias} onto the phpIPAM {@code subnets} row {@code subnetAlias}. */
    public static String join(String subnetAlias, String vlanAlias) {
        return " LEFT JOIN vlans " + vlanAlias + " ON " + vlanAlias + ".vlanId = " + subnetAlias + ".vlanId";
    }

    /**
     * Joins phpIPAM's subnet row (as {@code subnetAlias}) and its VLAN (as {@code vlanAlias}) onto a phpIPAM subnet
     * id column of ScanFlow's own tables, e.g. {@code s.subnet_id}.
     */
    public static String joinBySubnetId(String subnetIdColumn, String subnetAlias, String vlanAlias) {
        return " LEFT JOIN subnets " + subnetAlias + " ON " + subnetAlias + ".id = " + subnetIdColumn
                + join(subnetAlias, vlanAlias);
    }

    /** The phpIPAM subnet ids on VLAN {@code ?} (one parameter: the VLAN number), for {@code subnet_id IN (...)}. */
    public static final String SUBNETS_ON_NUMBER = "SELECT vs.id FROM subnets vs JOIN vlans vv ON vv.vlanId = vs.vlanId"
            + " WHERE vv.number = ?";

    /** The VLAN read from a joined row's number and name columns, or null when the subnet has none. */
    public static Vlan read(ResultSet row, String numberColumn, String nameColumn) throws SQLException {
        Integer number = row.getObject(numberColumn, Integer.class);
        return number == null ? null : new Vlan(number, row.getString(nameColumn));
    }

    public static Vlan read(ResultSet row, int numberColumn, int nameColumn) throws SQLException {
        Integer number = row.getObject(numberColumn, Integer.class);
        return number == null ? null : new Vlan(number, row.getString(nameColumn));
    }

    /** The metric label value: the number, or "none". */
    public static String label(Vlan vlan) {
        return vlan == null ? NONE_LABEL : Integer.toString(vlan.number());
    }
}
