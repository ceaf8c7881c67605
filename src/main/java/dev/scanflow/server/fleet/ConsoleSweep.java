package dev.scanflow.server.fleet;

import dev.scanflow.server.events.ScanflowEvent;
import dev.scanflow.server.jobs.ScanJobs;
import java.util.ArrayList;
import java.util.List;

/** One sweep (routes/console-api.yaml, every second): agents gone quiet, jobs past their timeouts. */
public class ConsoleSweep {

    private final Fleet fleet;
    private final ScanJobs jobs;

    public ConsoleSweep(Fleet fleet, ScanJobs jobs) {
        this.fleet = fleet;
        this.jobs = jobs;
    }

    public List<ScanflowEvent> sweep() {
        List<ScanflowEvent> events = new ArrayList<>(fleet.sweep());
        events.addAll(jobs.sweep());
        return events;
    }
}
