package dev.scanflow.server.vm;

import dev.scanflow.server.events.ScanflowEvent;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.apache.camel.ExchangeProperty;

/**
 * The event a finished job sends to every endpoint in scanflow.events.endpoints (SSE stream, webhook, Kafka):
 * kind "vm", type VM_CREATED, VM_FAILED or VM_ROLLBACK_FAILED, the job's view as its detail.
 */
public class VmEvents {

    private final VmJobs jobs;

    public VmEvents(VmJobs jobs) {
        this.jobs = jobs;
    }

    public List<ScanflowEvent> ended(@ExchangeProperty("vmJobId") String jobId) throws SQLException {
        VmJobView view = jobs.view(jobId);
        String type = switch (view.status()) {
            case VmJob.SUCCEEDED -> "VM_CREATED";
            case VmJob.ROLLBACK_FAILED -> "VM_ROLLBACK_FAILED";
            default -> "VM_FAILED";
        };
        return List.of(new ScanflowEvent(UUID.randomUUID(), "vm", type,
                view.finishedAt() == null ? Instant.now() : view.finishedAt(), view.node(), view.subnetId(), view.subnet(),
                view.address(), null, view));
    }
}
