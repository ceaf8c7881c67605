package dev.scanflow.server.api;

import dev.scanflow.server.api.ScanflowLookups.PreviousScan;
import dev.scanflow.server.delta.Change;
import dev.scanflow.server.history.AppliedScan;
import java.util.List;

/**
 * One scan-to-scan delta: the scan, the subnet it covered, the scan whose state it was compared with (null
 * for the first scan of the subnet: nothing was known before) and every change it made, in the order the
 * delta engine emitted them. The JSON export is this record as it is; CSV and text are made from it.
 */
public record DeltaExport(AppliedScan scan, String cidr, PreviousScan before, List<Change> changes) {

    public DeltaExport {
        changes = List.copyOf(changes);
    }
}
