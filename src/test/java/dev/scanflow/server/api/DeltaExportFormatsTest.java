package dev.scanflow.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scanflow.report.ScannedPort.Service;
import dev.scanflow.server.api.ScanflowLookups.PreviousScan;
import dev.scanflow.server.delta.Change;
import dev.scanflow.server.delta.HostAddress;
import dev.scanflow.server.delta.ServiceField;
import dev.scanflow.server.history.AppliedScan;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The CSV and ndiff-like text of a delta, on changes the IT's story does not produce. */
class DeltaExportFormatsTest {

    private static final UUID SCAN = UUID.fromString("00000000-0000-0000-0000-000000000002");
    private static final UUID BEFORE = UUID.fromString("00000000-0000-0000-0000-000000000001");
    private static final HostAddress H = HostAddress.parse("192.0.2.7");

    private static DeltaExport delta(boolean partial, Change... changes) {
        AppliedScan scan = new AppliedScan(SCAN, "lab", 5, 2, "services-nmap", Instant.parse("2026-11-22T12:00:00Z"),
                Instant.parse("2026-11-22T12:05:00Z"), Instant.parse("2026-11-22T12:05:01Z"), 1, List.of(), partial, 1,
                changes.length, List.of(SCAN));
        return new DeltaExport(scan, "192.0.2.0/24", new PreviousScan(BEFORE, 1, Instant.parse("2026-11-22T11:00:00Z"), null),
                List.of(changes));
    }

    @Test
    void csvCellsThatASpreadsheetWouldRunAreDefusedAndQuotedCellsQuoted() {
        String csv = new DeltaCsv().render(delta(false,
                new Change.HostnameChanged(H, "=HYPERLINK(\"http://evil\")", "+cmd|' /C calc'!A0"),
                new Change.HostnameChanged(H, "a,b", "line\nbreak")));
        List<String> rows = List.of(csv.split("\r\n"));
        assertTrue(rows.get(1).contains(",\"'=HYPERLINK(\"\"http://evil\"\")\",'+cmd|' /C calc'!A0,"), rows.get(1));
        assertTrue(rows.get(2).endsWith(",\"a,b\",\"line\nbreak\",,,hostname,"), rows.get(2));
        assertEquals(DeltaCsv.COLUMNS.size(), rows.get(0).split(",").length);
    }

    @Test
    void textShowsAReturnedHostAPortMissedShutAndACpeOnlyServiceChange() {
        Service before = new Service("http", "Apache httpd", "2.4.58", null, "ssl", List.of("cpe:/a:apache:http_server:2.4.58"));
        Service after = new Service("http", "Apache httpd", "2.4.58", null, "ssl", List.of("cpe:/a:apache:http_server:2.4.59"));
        String text = new DeltaText().render(delta(true,
                new Change.HostUp(H, true, "02:00:00:00:00:07", null, "web.lab"),
                new Change.PortClosed(H, "tcp", 8080, Change.ClosedBy.MISSED, 2, null),
                new Change.ServiceChanged(H, "tcp", 443, Set.of(ServiceField.CPES), before, after)));
        assertEquals(String.join("\n",
                "-ScanFlow lab subnet 5 192.0.2.0/24: scan " + BEFORE + ", initiated 2026-11-22T11:00:00Z",
                "+ScanFlow lab subnet 5 192.0.2.0/24: scan " + SCAN + ", initiated 2026-11-22T12:00:00Z (services-nmap), partial",
                "",
                " web.lab (192.0.2.7):",
                "-Host is gone.",
                "+Host is up.",
                " MAC Address: 02:00:00:00:00:07",
                " PORT     STATE  SERVICE  VERSION",
                "-443/tcp  open   ssl/http Apache httpd 2.4.58 cpe:/a:apache:http_server:2.4.58",
                "+443/tcp  open   ssl/http Apache httpd 2.4.58 cpe:/a:apache:http_server:2.4.59",
                "-8080/tcp open",
                "+8080/tcp closed          (missed by 2 covering scans)",
                ""), text);
    }

    @Test
    void aNameCannotForgeALineOfTheText() {
        String text = new DeltaText().render(delta(false,
                new Change.HostnameChanged(H, "old.lab", "evil.lab\n+Host is up.")));
        assertTrue(text.contains("+evil.lab?+Host is up. (192.0.2.7):\n"), text);
        assertEquals(5, text.split("\n").length, text);
    }
}
