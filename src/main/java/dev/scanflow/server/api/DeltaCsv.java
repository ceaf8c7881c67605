package dev.scanflow.server.api;

import dev.scanflow.server.delta.Change;
import dev.scanflow.server.delta.ServiceField;
import dev.scanflow.server.history.AppliedScan;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A delta as CSV (RFC 4180, CRLF line ends), one row per change in the engine's order. Before and after say
 * what changed in the change's own terms: host state, MAC or name, port state, and the service columns nmap's
 * way ("ssl/http nginx 1.24"). A cell that a spreadsheet would run as a formula (=, +, -, @) is prefixed
 * with an apostrophe: host names come from DNS, which anyone on the network may write.
 */
public final class DeltaCsv {

    static final List<String> COLUMNS = List.of("scan_id", "site", "subnet_id", "observed_at", "type", "address", "protocol",
            "port", "before", "after", "service_before", "service_after", "changed_fields", "detail");

    public String render(DeltaExport delta) {
        StringBuilder out = new StringBuilder();
        line(out, COLUMNS);
        AppliedScan scan = delta.scan();
        for (Change change : delta.changes()) {
            List<String> row = new ArrayList<>(List.of(scan.scanId().toString(), scan.site(), Long.toString(scan.subnetId()),
                    scan.scanStart().toString(), change.type().name(), change.address().toString()));
            row.addAll(columns(change));
            line(out, row);
        }
        return out.toString();
    }

    /** protocol, port, before, after, service_before, service_after, changed_fields, detail. */
    private static List<String> columns(Change change) {
        if (change instanceof Change.HostUp up) {
            return List.of("", "", up.returned() ? "gone" : "", "up", "", "", "", identity(up.mac(), up.macVendor(), up.hostname()));
        }
        if (change instanceof Change.HostGone gone) {
            return List.of("", "", "up", "gone", "", "", "",
                    join("missed by " + DeltaText.coveringScans(gone.misses()), identity(gone.lastMac(), null, gone.lastHostname())));
        }
        if (change instanceof Change.MacChanged mac) {
            return List.of("", "", mac.before(), mac.after(), "", "", "mac", mac.afterVendor() == null ? "" : "vendor " + mac.afterVendor());
        }
        if (change instanceof Change.HostnameChanged name) {
            return List.of("", "", name.before(), name.after(), "", "", "hostname", "");
        }
        if (change instanceof Change.PortOpened opened) {
            return List.of(opened.protocol(), Integer.toString(opened.port()), "", "open", "",
                    ServiceText.full(opened.service(), true), "", "");
        }
        if (change instanceof Change.PortClosed closed) {
            return List.of(closed.protocol(), Integer.toString(closed.port()), "open", "closed",
                    ServiceText.full(closed.lastService(), true), "", "", closedBy(closed));
        }
        Change.ServiceChanged service = (Change.ServiceChanged) change;
        return List.of(service.protocol(), Integer.toString(service.port()), "open", "open",
                ServiceText.full(service.before(), true), ServiceText.full(service.after(), true), fields(service), "");
    }

    static String closedBy(Change.PortClosed closed) {
        return switch (closed.closedBy()) {
            case REPORTED_CLOSED -> "reported closed by the scanner";
            case HOST_GONE -> "host gone";
            case MISSED -> "missed by " + DeltaText.coveringScans(closed.misses());
        };
    }

    static String fields(Change.ServiceChanged change) {
        return change.fields().stream().map(ServiceField::name).map(f -> f.toLowerCase(Locale.ROOT).replace('_', '-'))
                .collect(Collectors.joining(";"));
    }

    private static String identity(String mac, String vendor, String hostname) {
        return join(mac == null ? null : "mac " + mac + (vendor == null ? "" : " (" + vendor + ")"),
                hostname == null ? null : "hostname " + hostname);
    }

    private static String join(String... parts) {
        List<String> present = new ArrayList<>();
        for (String part : parts) {
            if (part != null && !part.isEmpty()) {
                present.add(part);
            }
        }
        return String.join("; ", present);
    }

    private static void line(StringBuilder out, List<String> cells) {
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append(cell(cells.get(i)));
        }
        out.append("\r\n");
    }

    static String cell(String value) {
        String text = value == null ? "" : value;
        if (!text.isEmpty() && "=+-@\t\r".indexOf(text.charAt(0)) >= 0) {
            text = "'" + text;
        }
        if (text.contains(",") || text.contains("\"") || text.contains("\n") || text.contains("\r")) {
            return "\"" + text.replace("\"", "\"\"") + "\"";
        }
        return text;
    }
}
