package dev.scanflow.server.vm;

import java.time.Instant;

/** One provisioning job as stored in ScanFlow's vm_jobs table: what was asked, what has been made so far. */
public record VmJob(String jobId, VmRequest request, String status, long subnetId, String subnetCidr, String address,
                    String gateway, Long addressRowId, Integer vmid, boolean cloneRequested, String currentTask,
                    String failedStep, String error, Instant createdAt, Instant finishedAt) {

    public static final String RUNNING = "running";
    public static final String SUCCEEDED = "succeeded";
    public static final String FAILED = "failed";
    public static final String ROLLBACK_FAILED = "rollback_failed";

    /** The prefix length of the subnet, for ipconfig0 ("ip=203.0.113.10/24"). */
    public int prefix() {
        return Integer.parseInt(subnetCidr.substring(subnetCidr.indexOf('/') + 1));
    }

    /** What a VM description and an address note carry, so rollback can tell ScanFlow's own from anyone else's. */
    public String marker() {
        return "ScanFlow VM job " + jobId;
    }
}
