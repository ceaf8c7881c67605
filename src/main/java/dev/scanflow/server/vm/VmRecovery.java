package dev.scanflow.server.vm;

import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.ExchangeProperty;

/**
 * Jobs a server left running when it stopped (killed, crashed, power lost): found by their heartbeat being
 * older than the lease, claimed by one server, rolled back by routes/vm-rollback.yaml. Rolled back rather than
 * resumed: after a crash nobody knows which Proxmox call the dead server had sent last, and a clean state
 * with the address free again is what an operator can retry from.
 * <p>
 * The jobs this server holds (queued or running) have their heartbeat renewed on every pass first, so a job
 * waiting for a free worker, or in a long Proxmox call, is never taken for abandoned by another server.
 */
public class VmRecovery {

    private final boolean enabled;
    private final VmJobs jobs;
    private final Duration lease;
    private final Set<String> held = ConcurrentHashMap.newKeySet();

    public VmRecovery(boolean enabled, VmJobs jobs, Duration lease) {
        this.enabled = enabled;
        this.jobs = jobs;
        this.lease = lease;
    }

    /** This server took the job (its POST created it); until {@link #done} it keeps the job's heartbeat fresh. */
    public void hold(String jobId) {
        held.add(jobId);
    }

    public void done(@ExchangeProperty("vmJobId") String jobId) {
        held.remove(jobId);
    }

    public List<String> abandonedJobs() throws SQLException {
        if (!enabled) {
            return List.of();
        }
        for (String jobId : held) {
            jobs.heartbeat(jobId);
        }
        return jobs.claimAbandoned(lease);
    }
}
