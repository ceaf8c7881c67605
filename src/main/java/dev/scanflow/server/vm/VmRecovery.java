package dev.scanflow.server.vm;

import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

/**
 * Jobs a server left running when it stopped (killed, crashed, power lost): found by their heartbeat being
 * older than the lease, claimed by one server, rolled back by routes/vm-recovery.yaml. Rolled back rather than
 * resumed: after a crash nobody knows which Proxmox call the dead server had sent last, and a clean state
 * with the address free again is what an operator can retry from.
 */
public class VmRecovery {

    private final boolean enabled;
    private final VmJobs jobs;
    private final Duration lease;

    public VmRecovery(boolean enabled, VmJobs jobs, Duration lease) {
        this.enabled = enabled;
        this.jobs = jobs;
        this.lease = lease;
    }

    public List<String> abandonedJobs() throws SQLException {
        return enabled ? jobs.claimAbandoned(lease) : List.of();
    }
}
