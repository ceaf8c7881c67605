package dev.scanflow.server.phpipam;

import java.util.List;

/**
 * The only rights the server's database user needs (README, "Database user"): read phpIPAM, write the
 * three tables a scan touches, no DELETE and no DDL on phpIPAM; full rights on ScanFlow's own schema.
 * The demo and the integration tests run the server as a user with exactly these grants.
 */
public final class ServerGrants {

    private ServerGrants() {
    }

    public static List<String> statements(String user, String phpipamSchema, String scanflowSchema) {
        return statements(user, "%", phpipamSchema, scanflowSchema);
    }

    /** @param host the account's host part: '%' for any, 127.0.0.1 for the demo's loopback-only database */
    public static List<String> statements(String user, String host, String phpipamSchema, String scanflowSchema) {
        if (!host.matches("[A-Za-z0-9.:%_-]{1,255}")) {
            throw new IllegalArgumentException("not a plain host name: " + host);
        }
        String account = "'" + requireIdentifier(user) + "'@'" + host + "'";
        String phpipam = "`" + requireIdentifier(phpipamSchema) + "`";
        String scanflow = "`" + requireIdentifier(scanflowSchema) + "`";
        return List.of(
                "GRANT SELECT ON " + phpipam + ".* TO " + account,
                "GRANT INSERT, UPDATE ON " + phpipam + ".`ipaddresses` TO " + account,
                "GRANT UPDATE ON " + phpipam + ".`subnets` TO " + account,
                "GRANT UPDATE ON " + phpipam + ".`scanAgents` TO " + account,
                "GRANT ALL ON " + scanflow + ".* TO " + account);
    }

    /**
     * Only with scanflow.vm.enabled=true: a VM job that fails removes the phpIPAM address row it inserted,
     * which needs DELETE on ipaddresses (and nothing else more). Without VM provisioning the server never deletes.
     */
    public static List<String> vmProvisioningStatements(String user, String phpipamSchema) {
        return List.of("GRANT DELETE ON `" + requireIdentifier(phpipamSchema) + "`.`ipaddresses` TO '"
                + requireIdentifier(user) + "'@'%'");
    }

    private static String requireIdentifier(String name) {
        if (!name.matches("[A-Za-z0-9_]{1,64}")) {
            throw new IllegalArgumentException("not a plain SQL identifier: " + name);
        }
        return name;
    }
}
