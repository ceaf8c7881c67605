package dev.scanflow.server.api;

import dev.scanflow.server.delta.Change;
import dev.scanflow.server.delta.HostAddress;
import dev.scanflow.server.delta.ServiceField;
import dev.scanflow.server.history.AppliedScan;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A delta as text in the style of nmap's ndiff: a "-" line for how it was, a "+" line for how it is, a " "
 * line for context. Two banner lines name the scans compared; then one block per host that changed, in
 * address order: its name, its state, its MAC, and a PORT STATE SERVICE VERSION table of the ports that
 * changed. Unlike ndiff, a host that went unseen reads "gone (missed by N covering scans)", not "down", and
 * a port is closed either because the scanner said so or because N covering scans missed it, which is said.
 *
 * <pre>
 * -ScanFlow site-a subnet 21 10.5.0.0/24: scan 7f…, initiated 2026-11-22T10:00:00Z (ports)
 * +ScanFlow site-a subnet 21 10.5.0.0/24: scan 9c…, initiated 2026-11-22T11:00:00Z (ports)
 *
 *  10.5.0.1:
 *  PORT   STATE SERVICE VERSION
 * -80/tcp open  http    nginx 1.24
 * +80/tcp open  http    nginx 1.26
 * +22/tcp open  ssh
 * </pre>
 */
public final class DeltaText {

    public String render(DeltaExport delta) {
        StringBuilder out = new StringBuilder();
        AppliedScan scan = delta.scan();
        String subnet = "ScanFlow " + ServiceText.printable(scan.site()) + " subnet " + scan.subnetId() + " " + delta.cidr() + ": ";
        out.append('-').append(subnet).append(delta.before() == null ? "nothing known before"
                : "scan " + delta.before().scanId() + ", initiated " + delta.before().scanStart()
                + profile(delta.before().profile())).append('\n');
        out.append('+').append(subnet).append("scan ").append(scan.scanId()).append(", initiated ").append(scan.scanStart())
                .append(profile(scan.profile())).append(scan.partial() ? ", partial" : "").append('\n');
        Map<HostAddress, List<Change>> byHost = new TreeMap<>();
        for (Change change : delta.changes()) {
            byHost.computeIfAbsent(change.address(), a -> new ArrayList<>()).add(change);
        }
        byHost.forEach((address, changes) -> {
            out.append('\n');
            host(out, address, changes);
        });
        return out.toString();
    }

    private static String profile(String profile) {
        return profile == null ? "" : " (" + profile + ")";
    }

    private static void host(StringBuilder out, HostAddress address, List<Change> changes) {
        Change.HostUp up = first(changes, Change.HostUp.class);
        Change.HostGone gone = first(changes, Change.HostGone.class);
        Change.HostnameChanged renamed = first(changes, Change.HostnameChanged.class);
        Change.MacChanged mac = first(changes, Change.MacChanged.class);
        boolean isNew = up != null && !up.returned();
        // names, as ndiff shows them: "name (address)", a -/+ pair when the name changed
        if (renamed != null) {
            out.append('-').append(name(renamed.before(), address)).append(":\n");
            out.append('+').append(name(renamed.after(), address)).append(":\n");
        } else if (isNew) {
            out.append('+').append(name(up.hostname(), address)).append(":\n");
        } else {
            String known = up != null ? up.hostname() : gone != null ? gone.lastHostname() : null;
            out.append(' ').append(name(known, address)).append(":\n");
        }
        if (isNew) {
            out.append("+Host is up.\n");
        } else if (up != null) {
            out.append("-Host is gone.\n+Host is up.\n");
        } else if (gone != null) {
            out.append("-Host is up.\n+Host is gone (missed by ").append(coveringScans(gone.misses())).append(").\n");
        }
        if (mac != null) {
            out.append("-MAC Address: ").append(ServiceText.printable(mac.before())).append('\n');
            out.append("+MAC Address: ").append(ServiceText.printable(mac.after())).append(vendor(mac.afterVendor())).append('\n');
        } else if (up != null && up.mac() != null) {
            out.append(isNew ? '+' : ' ').append("MAC Address: ").append(ServiceText.printable(up.mac())).append(vendor(up.macVendor())).append('\n');
        }
        List<Change.PortChange> ports = changes.stream().filter(Change.PortChange.class::isInstance)
                .map(Change.PortChange.class::cast)
                .sorted(Comparator.comparingInt(Change.PortChange::port).thenComparing(Change.PortChange::protocol))
                .toList();
        if (!ports.isEmpty()) {
            PortTable table = new PortTable(isNew ? '+' : ' ');
            ports.forEach(port -> rows(table, port));
            table.appendTo(out);
        }
    }

    private static void rows(PortTable table, Change.PortChange change) {
        String port = change.port() + "/" + change.protocol();
        if (change instanceof Change.PortOpened opened) {
            table.row('+', port, "open", ServiceText.name(opened.service()), ServiceText.version(opened.service(), false));
        } else if (change instanceof Change.PortClosed closed) {
            table.row('-', port, "open", ServiceText.name(closed.lastService()), ServiceText.version(closed.lastService(), false));
            table.row('+', port, "closed", ServiceText.name(closed.lastService()),
                    closed.closedBy() != Change.ClosedBy.REPORTED_CLOSED ? "(" + DeltaCsv.closedBy(closed) + ")" : "");
        } else if (change instanceof Change.ServiceChanged service) {
            // CPEs are no column of nmap's table: shown only when they are what changed
            boolean cpes = service.fields().contains(ServiceField.CPES);
            table.row('-', port, "open", ServiceText.name(service.before()), ServiceText.version(service.before(), cpes));
            table.row('+', port, "open", ServiceText.name(service.after()), ServiceText.version(service.after(), cpes));
        }
    }

    private static String name(String hostname, HostAddress address) {
        return hostname == null || hostname.isEmpty() ? address.toString() : ServiceText.printable(hostname) + " (" + address + ")";
    }

    private static String vendor(String vendor) {
        return vendor == null ? "" : " (" + ServiceText.printable(vendor) + ")";
    }

    private static <T> T first(List<Change> changes, Class<T> type) {
        return changes.stream().filter(type::isInstance).map(type::cast).findFirst().orElse(null);
    }

    /** ndiff's port table: the mark glued to PORT, then STATE, SERVICE and VERSION padded to their widths. */
    private static final class PortTable {
        private final List<String[]> rows = new ArrayList<>();

        PortTable(char headerMark) {
            rows.add(new String[] {String.valueOf(headerMark), "PORT", "STATE", "SERVICE", "VERSION"});
        }

        void row(char mark, String port, String state, String service, String version) {
            rows.add(new String[] {String.valueOf(mark), port, state, service, version});
        }

        void appendTo(StringBuilder out) {
            int[] widths = new int[4];
            for (String[] row : rows) {
                for (int c = 1; c < 4; c++) {
                    widths[c] = Math.max(widths[c], row[c].length());
                }
            }
            for (String[] row : rows) {
                StringBuilder line = new StringBuilder(row[0]);
                for (int c = 1; c < 4; c++) {
                    line.append(String.format("%-" + widths[c] + "s", row[c])).append(' ');
                }
                line.append(row[4]);
                out.append(line.toString().stripTrailing()).append('\n');
            }
        }
    }

    /** "1 covering scan", "2 covering scans". */
    static String coveringScans(int count) {
        return count + (count == 1 ? " covering scan" : " covering scans");
    }
}
