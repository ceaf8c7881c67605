package dev.scanflow.server.vm;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/** GET /api/v1/vms/{jobId}: the job and every step it took, done and undone, with times and results. */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record VmJobView(String jobId, String status, String name, String node, Integer vmid, long subnetId, String subnet,
                        String address, String gateway, String failedStep, String error, Instant createdAt,
                        Instant finishedAt, List<Step> steps) {

    /** One step: phase "do" on the way forward, "undo" when rolling back; outcome ok, failed or skipped. */
    public record Step(int seq, String step, String phase, Instant startedAt, Instant endedAt, String outcome, String detail) {
    }
}
