package dev.scanflow.server.vm;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Waits for a Proxmox task: reads /nodes/{node}/tasks/{upid}/status every poll interval until it is
 * stopped, within the task timeout, renewing the job's heartbeat meanwhile so no other server takes the job
 * for abandoned.
 */
public class TaskWaiter {

    private final ProxmoxApi proxmox;
    private final VmJobs jobs;
    private final Duration timeout;
    private final Duration poll;
    private final Clock clock;

    public TaskWaiter(ProxmoxApi proxmox, VmJobs jobs, Duration timeout, Duration poll, Clock clock) {
        this.proxmox = proxmox;
        this.jobs = jobs;
        this.timeout = timeout;
        this.poll = poll;
        this.clock = clock;
    }

    /** The task's end; a task still running after the timeout is an error naming the UPID. */
    public ProxmoxTask await(String jobId, String node, String upid) throws SQLException {
        Instant deadline = clock.instant().plus(timeout);
        while (true) {
            ProxmoxTask task = proxmox.task(node, upid);
            if (!task.running()) {
                return task;
            }
            if (clock.instant().isAfter(deadline)) {
                throw new ProxmoxError(504, "task " + upid + " still running after " + timeout.toSeconds() + " s");
            }
            jobs.heartbeat(jobId);
            try {
                Thread.sleep(poll.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ProxmoxError(0, "interrupted while waiting for task " + upid);
            }
        }
    }

    /** Awaits a task that must end with exitstatus OK. */
    public String awaitOk(String jobId, String node, String upid) throws SQLException {
        jobs.setCurrentTask(jobId, upid);
        ProxmoxTask task = await(jobId, node, upid);
        jobs.setCurrentTask(jobId, null);
        if (!task.succeeded()) {
            throw new ProxmoxError(500, "task " + upid + " ended with: " + task.exitStatus());
        }
        return upid + " " + task.exitStatus();
    }
}
