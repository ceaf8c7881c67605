package dev.scanflow.server.vm;

import dev.scanflow.server.api.ApiError;
import dev.scanflow.server.api.PathParameters;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientException;
import javax.sql.DataSource;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.Header;

/**
 * POST /api/v1/vms and GET /api/v1/vms/{jobId} (routes/vm-api.yaml), behind the operator token. The POST
 * reserves the address before it answers, so a full subnet is a 409 at once; the rest runs as a job.
 */
public class VmApi {

    static final String JOB = "/api/v1/vms/{jobId}";
    static final String FIRST_FREE = "/api/v1/subnets/{subnetId}/first-free";
    private static final int MAX_BODY = 64 * 1024;

    /** The 202 answer; {@code created} false means an Idempotency-Key retry found the job it had made. */
    public record Accepted(String jobId, String status, String address, String subnet, boolean created) {
    }

    private final boolean enabled;
    private final VmJobs jobs;
    private final VmRecovery recovery;
    private final DataSource phpipam;

    public VmApi(boolean enabled, VmJobs jobs, VmRecovery recovery, DataSource phpipam) {
        this.enabled = enabled;
        this.jobs = jobs;
        this.recovery = recovery;
        this.phpipam = phpipam;
    }

    public Accepted create(@Header("Idempotency-Key") String idempotencyKey, @Body String body) throws SQLException {
        requireEnabled();
        if (body != null && body.getBytes(StandardCharsets.UTF_8).length > MAX_BODY) {
            throw new ApiError(413, "the request is larger than " + MAX_BODY + " bytes");
        }
        VmRequest request = VmRequest.parse(body);
        try {
            VmJobs.Created created = jobs.create(request, idempotencyKey);
            VmJob job = created.job();
            if (created.created()) {
                recovery.hold(job.jobId());
            }
            return new Accepted(job.jobId(), job.status(), job.address(), job.subnetCidr(), created.created());
        } catch (SQLTransientException e) {
            throw new ApiError(503, "phpIPAM's database is busy (" + e.getClass().getSimpleName() + "): try again");
        }
    }

    public VmJobView job(@Header(Exchange.HTTP_PATH) String path) throws SQLException {
        requireEnabled();
        return jobs.view(PathParameters.match(JOB, path).uuid("jobId").toString());
    }

    /**
     * GET /api/v1/subnets/{subnetId}/first-free: the address a VM would get now, computed as the POST reserves
     * (never network, broadcast or gateway, never an address with a row), without reserving it. Answered with
     * provisioning off too: it only reads phpIPAM.
     */
    public AddressReservations.FirstFree firstFree(@Header(Exchange.HTTP_PATH) String path) throws SQLException {
        long subnetId = PathParameters.match(FIRST_FREE, path).positiveLong("subnetId");
        try (Connection connection = phpipam.getConnection()) {
            return AddressReservations.firstFree(connection, subnetId);
        } catch (SQLTransientException e) {
            throw new ApiError(503, "phpIPAM's database is busy (" + e.getClass().getSimpleName() + "): try again");
        }
    }

    private void requireEnabled() {
        if (!enabled) {
            throw new ApiError(503, "VM provisioning is off: set scanflow.vm.enabled=true (README, \"VMs on free phpIPAM addresses\")");
        }
    }
}
