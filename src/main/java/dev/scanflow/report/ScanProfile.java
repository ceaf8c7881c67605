package dev.scanflow.report;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How an agent scans a subnet; a report names the profile that produced it (format version 2). The exact
 * command lines of each profile are in the README.
 */
public enum ScanProfile {

    /** nmap -sn: which hosts are up (ARP or neighbour discovery on-link, so MACs are real). */
    DISCOVERY("discovery"),
    /** masscan over the port list, then nmap -sV on exactly the (address, port) pairs masscan found. */
    PORTS("ports"),
    /** nmap alone: -sS (or -sT without raw sockets) with -sV over the port list, for sites without masscan. */
    SERVICES_NMAP("services-nmap");

    private final String id;

    ScanProfile(String id) {
        this.id = id;
    }

    /** The name used in settings and in reports. */
    public String id() {
        return id;
    }

    public static ScanProfile of(String id) {
        String wanted = id == null ? "" : id.strip().toLowerCase(Locale.ROOT);
        for (ScanProfile profile : values()) {
            if (profile.id.equals(wanted)) {
                return profile;
            }
        }
        throw new IllegalArgumentException("unknown scan profile '" + id + "'; one of "
                + Arrays.stream(values()).map(ScanProfile::id).collect(Collectors.joining(", ")));
    }

    @Override
    public String toString() {
        return id;
    }
}
