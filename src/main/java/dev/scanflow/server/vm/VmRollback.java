package dev.scanflow.server.vm;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.SQLException;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;

/**
 * Undoes a failed or abandoned job in reverse (routes/vm-rollback.yaml): the task still running is stopped,
 * the half-made VM is stopped and deleted, the address row is removed. Only what the job made: a VM whose
 * description does not name the job, or an address row whose note no longer does, is left alone. When the
 * VM cannot be removed the address stays Reserved (a VM may be using it) and the job ends rollback_failed.
 */
public class VmRollback {

    interface Undo {
        /**
         * Returns the step's detail; null when there was nothing to undo, or a detail starting with
         * {@link #SKIPPED} when there was nothing to undo worth saying why (both recorded as skipped).
         */
        String run(VmJob job) throws Exception;
    }

    static final String SKIPPED = "skipped: ";

    private final VmJobs jobs;
    private final ProxmoxApi proxmox;
    private final TaskWaiter tasks;

    public VmRollback(VmJobs jobs, ProxmoxApi proxmox, TaskWaiter tasks) {
        this.jobs = jobs;
        this.proxmox = proxmox;
        this.tasks = tasks;
    }

    /** A server that started or looked found the job abandoned by one that stopped mid-job. */
    public void abandoned(@ExchangeProperty("vmJobId") String jobId) throws SQLException {
        jobs.failed(jobId, "server", "the server working on this job stopped before it ended; rolled back by the next one");
    }

    /**
     * Stops the task the job awaits, and any other task still running on the job's own VM: a server killed
     * right after sending a call never recorded that task's UPID, and Proxmox will not delete a VM a task holds.
     */
    public void stopTask(@ExchangeProperty("vmJobId") String jobId) throws SQLException {
        undo(jobId, "stop-task", job -> {
            java.util.Set<String> running = new java.util.LinkedHashSet<>();
            if (job.currentTask() != null && proxmox.task(job.request().node(), job.currentTask()).running()) {
                running.add(job.currentTask());
            }
            if (ours(job)) {
                running.addAll(proxmox.activeTasks(job.request().node(), job.vmid()));
            }
            if (running.isEmpty()) {
                jobs.setCurrentTask(job.jobId(), null);
                return null;
            }
            StringBuilder detail = new StringBuilder();
            for (String upid : running) {
                proxmox.stopTask(job.request().node(), upid);
                ProxmoxTask ended = tasks.await(job.jobId(), job.request().node(), upid);
                detail.append(detail.length() == 0 ? "" : "; ").append(upid).append(" stopped: ").append(ended.exitStatus());
            }
            jobs.setCurrentTask(job.jobId(), null);
            return detail.toString();
        });
    }

    public void stopVm(@ExchangeProperty("vmJobId") String jobId) throws SQLException {
        undo(jobId, "stop-vm", job -> {
            if (!ours(job)) {
                return null;
            }
            if (!"running".equals(proxmox.vmStatus(job.request().node(), job.vmid()))) {
                return null;
            }
            return "VM " + job.vmid() + ": " + tasks.awaitOk(job.jobId(), job.request().node(), proxmox.stop(job.request().node(), job.vmid()));
        });
    }

    public void deleteVm(@ExchangeProperty("vmJobId") String jobId) throws SQLException {
        undo(jobId, "delete-vm", job -> {
            if (!job.cloneRequested() || job.vmid() == null) {
                return null;
            }
            JsonNode config = proxmox.vmConfig(job.request().node(), job.vmid());
            if (config == null) {
                return SKIPPED + "VM " + job.vmid() + " does not exist";
            }
            if (!config.path("description").asText("").contains(job.marker())) {
                return SKIPPED + "VM " + job.vmid() + " is not this job's (its description does not name the job): left alone";
            }
            return "VM " + job.vmid() + ": " + tasks.awaitOk(job.jobId(), job.request().node(), proxmox.delete(job.request().node(), job.vmid()));
        });
    }

    public void releaseAddress(@ExchangeProperty("vmJobId") String jobId) throws SQLException {
        undo(jobId, "release-address", job -> job.addressRowId() == null ? null
                : jobs.release(job) ? job.address() + " removed from phpIPAM (address id " + job.addressRowId() + ")"
                : SKIPPED + job.address() + ": the row is gone or no longer names this job in phpIPAM: left alone");
    }

    public void ended(@ExchangeProperty("vmJobId") String jobId) throws SQLException {
        jobs.end(jobId, VmJob.FAILED, null, null);
    }

    /** An undo step failed: what is left is in the steps; the address stays Reserved if a VM may remain. */
    public void incomplete(@ExchangeProperty("vmJobId") String jobId, Exchange exchange) throws SQLException {
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        jobs.end(jobId, VmJob.ROLLBACK_FAILED, "rollback", cause == null ? "rollback failed" : cause.getMessage());
    }

    private boolean ours(VmJob job) {
        if (!job.cloneRequested() || job.vmid() == null) {
            return false;
        }
        JsonNode config = proxmox.vmConfig(job.request().node(), job.vmid());
        return config != null && config.path("description").asText("").contains(job.marker());
    }

    private void undo(String jobId, String name, Undo work) throws SQLException {
        VmJob job = jobs.load(jobId);
        if (!VmJob.RUNNING.equals(job.status())) {
            return;
        }
        int seq = jobs.stepStarted(jobId, name, "undo");
        String detail;
        try {
            detail = work.run(job);
        } catch (Exception e) {
            String message = e instanceof ProxmoxError ? e.getMessage() : e.toString();
            jobs.stepEnded(jobId, seq, "failed", message);
            throw new VmStepFailed(name, message);
        }
        if (detail == null) {
            jobs.stepEnded(jobId, seq, "skipped", "nothing to undo");
        } else if (detail.startsWith(SKIPPED)) {
            jobs.stepEnded(jobId, seq, "skipped", detail.substring(SKIPPED.length()));
        } else {
            jobs.stepEnded(jobId, seq, "ok", detail);
        }
    }
}
