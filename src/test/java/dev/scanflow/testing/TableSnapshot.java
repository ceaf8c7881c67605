package dev.scanflow.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Every row of every table of phpIPAM's schema and of ScanFlow's (but Flyway's bookkeeping, which only a
 * migration writes), read from the real MariaDB a test uses, for "no row changed" assertions: take one
 * before the request, then {@link #assertUnchangedSince} after it. A failure names the tables that differ
 * and their rows, not a map of everything. The fleet's record of agents calling in (fleet_agents, and the
 * journal's fleet events) is left out: an agent's heartbeat runs on its own timer, whatever the request did.
 */
public record TableSnapshot(Map<String, List<Map<String, Object>>> tables) {

    public TableSnapshot {
        tables = Map.copyOf(tables);
    }

    /** Reads every table of both schemas now; each ordered by its first column (the primary key). */
    public static TableSnapshot of(TestPhpipam phpipam) {
        Map<String, List<Map<String, Object>>> tables = new TreeMap<>();
        read(phpipam, phpipam.phpipamSchema, "phpipam.", tables);
        read(phpipam, phpipam.scanflowSchema, "scanflow.", tables);
        return new TableSnapshot(tables);
    }

    private static void read(TestPhpipam phpipam, String schema, String label,
                             Map<String, List<Map<String, Object>>> into) {
        for (Map<String, Object> table : phpipam.rows("SELECT table_name AS t FROM information_schema.tables"
                + " WHERE table_schema = ? AND table_name <> 'flyway_schema_history' ORDER BY table_name", schema)) {
            String name = String.valueOf(table.get("t"));
            if (name.equals("fleet_agents")) {
                continue;
            }
            List<Map<String, Object>> rows = phpipam.rows("SELECT * FROM `" + schema + "`.`" + name + "` ORDER BY 1");
            if (name.equals("event_journal")) {
                rows = rows.stream().filter(row -> !String.valueOf(row.get("body")).contains("\"kind\":\"fleet\"")).toList();
            }
            into.put(label + name, rows);
        }
    }

    /** Fails naming every table whose rows differ now from {@code before}'s (added, removed or changed). */
    public void assertUnchangedSince(TableSnapshot before, String what) {
        TreeSet<String> names = new TreeSet<>(before.tables.keySet());
        names.addAll(tables.keySet());
        StringBuilder changed = new StringBuilder();
        for (String name : names) {
            List<Map<String, Object>> was = before.tables.get(name);
            List<Map<String, Object>> now = tables.get(name);
            if (!Objects.equals(was, now)) {
                changed.append("\n  ").append(name).append(": before ").append(was).append("\n  ")
                        .append(" ".repeat(name.length())).append("  after  ").append(now);
            }
        }
        if (!changed.isEmpty()) {
            fail(what + ": rows changed in" + changed);
        }
    }

    /** Whether the table was read ("phpipam.ipaddresses", "scanflow.host_state"): a snapshot of nothing proves nothing. */
    public boolean holds(String table) {
        return tables.containsKey(table);
    }
}
