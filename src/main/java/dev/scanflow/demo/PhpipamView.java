package dev.scanflow.demo;

import dev.scanflow.net.IpAddress;
import dev.scanflow.server.phpipam.WriteOutcome;
import java.util.List;
import java.util.Map;

/** Renders, for the demo's console, what a report left in phpIPAM's tables. */
public class PhpipamView {

    public String describe(WriteOutcome outcome, List<Map<String, Object>> addresses, Map<String, Object> subnet) {
        StringBuilder out = new StringBuilder();
        out.append(String.format("%nphpIPAM after report %s (%s): %d updated, %d inserted, %d ignored%n",
                outcome.reportId(), outcome.status(), outcome.updated(), outcome.inserted(), outcome.ignored()));
        out.append(String.format("  subnet %s  lastScan=%s  lastDiscovery=%s%n", subnet.get("subnet_text"),
                subnet.get("lastScan"), subnet.get("lastDiscovery")));
        out.append(String.format("  agent %s  last_access=%s%n", subnet.get("agent_name"), subnet.get("last_access")));
        out.append(String.format("  %-5s %-16s %-20s %-19s %-18s %s%n", "id", "ip_addr", "description", "lastSeen", "mac", "note"));
        for (Map<String, Object> row : addresses) {
            out.append(String.format("  %-5s %-16s %-20s %-19s %-18s %s%n", row.get("id"),
                    IpAddress.fromDecimal(4, String.valueOf(row.get("ip_addr"))), row.get("description"),
                    row.get("lastSeen"), row.get("mac") == null ? "" : row.get("mac"),
                    row.get("note") == null ? "" : row.get("note")));
        }
        return out.toString();
    }
}
