package dev.scanflow.server.vm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scanflow.server.phpipam.Vlan;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;

/**
 * The forward steps of a VM job, one method per step route (routes/vm-create.yaml). Each records its start,
 * its end and its result in the job's steps, and turns any failure into {@link VmStepFailed} naming itself.
 * Every step reads the job from the database first: the job's state is what is stored, not what a thread holds.
 */
public class VmSteps {

    /** One step's work; returns the detail stored with it. */
    interface Work {
        String run(VmJob job) throws Exception;
    }

    private static final int CLONE_ATTEMPTS = 5;

    private final VmJobs jobs;
    private final ProxmoxApi proxmox;
    private final TaskWaiter tasks;
    private final VmSettings settings;

    public VmSteps(VmJobs jobs, ProxmoxApi proxmox, TaskWaiter tasks, VmSettings settings) {
        this.jobs = jobs;
        this.proxmox = proxmox;
        this.tasks = tasks;
        this.settings = settings;
    }

    /** GET /cluster/nextid: Proxmox reserves nothing, so the clone itself is what claims the id. */
    public void nextId(@ExchangeProperty("vmJobId") String jobId) throws SQLException {
        step(jobId, "nextid", job -> {
            int vmid = proxmox.nextId();
            jobs.setVmid(job.jobId(), vmid);
            return "VM id " + vmid;
        });
    }

    /**
     * Clones the template; the new VM's description names the job so rollback deletes only ScanFlow's own VM.
     * nextid reserves nothing, so another request (or another server, or a person) may have taken the id
     * meanwhile: Proxmox then refuses ("config file already exists") and the clone is tried again on a fresh id.
     */
    public void cloneTemplate(@ExchangeProperty("vmJobId") String jobId) throws SQLException {
        step(jobId, "clone", job -> {
            // recorded before the call: if this server dies while Proxmox clones, the next one knows to look
            jobs.setCloneRequested(job.jobId());
            int vmid = job.vmid();
            String upid;
            for (int attempt = 1; ; attempt++) {
                try {
                    upid = proxmox.cloneVm(job.request().node(), job.request().template(), vmid, job.request().name(),
                            job.marker(), settings.fullClone(), settings.storage());
                    break;
                } catch (ProxmoxError e) {
                    if (attempt >= CLONE_ATTEMPTS || !e.getMessage().contains("already exists")) {
                        throw e;
                    }
                    vmid = proxmox.nextId();
                    jobs.setVmid(job.jobId(), vmid);
                }
            }
            return "template " + job.request().template() + " -> VM " + vmid + ": " + tasks.awaitOk(job.jobId(), job.request().node(), upid);
        });
    }

    /**
     * cloud-init, size and network: ipconfig0, DNS, user, SSH keys, cores, memory and net0 on the subnet's phpIPAM
     * VLAN ({@link VmNic}) in one asynchronous config update.
     */
    public void cloudInit(@ExchangeProperty("vmJobId") String jobId) throws SQLException {
        step(jobId, "cloud-init", job -> {
            Map<String, String> config = new LinkedHashMap<>();
            Vlan vlan = jobs.subnetVlan(job.subnetId());
            JsonNode clone = proxmox.vmConfig(job.request().node(), job.vmid());
            String net0 = VmNic.onVlan(clone == null || !clone.hasNonNull("net0") ? null : clone.get("net0").asText(), vlan);
            if (net0 != null) {
                config.put("net0", net0);
            }
            config.put("cores", Integer.toString(job.request().cores()));
            config.put("memory", Integer.toString(job.request().memory()));
            config.put("ipconfig0", "ip=" + job.address() + "/" + job.prefix() + (job.gateway() == null ? "" : ",gw=" + job.gateway()));
            if (settings.nameserver() != null) {
                config.put("nameserver", settings.nameserver());
            }
            if (settings.searchDomain() != null) {
                config.put("searchdomain", settings.searchDomain());
            }
            if (settings.user() != null) {
                config.put("ciuser", settings.user());
            }
            // Proxmox wants sshkeys URL-encoded inside the form value (it uri_unescapes it), spaces as %20
            config.put("sshkeys", URLEncoder.encode(String.join("\n", job.request().sshKeys()), StandardCharsets.UTF_8)
                    .replace("+", "%20"));
            String upid = proxmox.configure(job.request().node(), job.vmid(), config);
            return config.get("ipconfig0") + ", " + VmNic.describe(vlan) + ", "
                    + tasks.awaitOk(job.jobId(), job.request().node(), upid);
        });
    }

    /** Grows the template's disk to the requested size; skipped when the request keeps the template's size. */
    public void resizeDisk(@ExchangeProperty("vmJobId") String jobId) throws SQLException {
        VmJob job = jobs.load(jobId);
        if (job.request().diskGb() == null) {
            return;
        }
        step(jobId, "resize", loaded -> {
            String size = loaded.request().diskGb() + "G";
            String upid = proxmox.resize(loaded.request().node(), loaded.vmid(), settings.disk(), size);
            return settings.disk() + " to " + size + (upid == null ? "" : ", " + tasks.awaitOk(loaded.jobId(), loaded.request().node(), upid));
        });
    }

    public void start(@ExchangeProperty("vmJobId") String jobId) throws SQLException {
        step(jobId, "start", job -> tasks.awaitOk(job.jobId(), job.request().node(),
                proxmox.start(job.request().node(), job.vmid())));
    }

    /** phpIPAM: Reserved becomes Used, the note names the VM id and node; the job ends succeeded. */
    public void markUsed(@ExchangeProperty("vmJobId") String jobId) throws SQLException {
        step(jobId, "mark-used", job -> {
            String note = "VM " + job.vmid() + " (" + job.request().name() + ") on Proxmox node " + job.request().node()
                    + ", created by " + job.marker();
            jobs.succeed(job, note);
            return job.address() + " Used: " + note;
        });
    }

    /** The flow's catch: remembers which step failed and why, before the rollback route undoes the job. */
    public void failed(@ExchangeProperty("vmJobId") String jobId, Exchange exchange) throws SQLException {
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        VmStepFailed failed = org.apache.camel.util.ObjectHelper.getException(VmStepFailed.class, cause);
        if (failed != null) {
            jobs.failed(jobId, failed.step(), failed.getMessage());
        } else {
            jobs.failed(jobId, "flow", cause == null ? "unknown error" : cause.toString());
        }
    }

    private void step(String jobId, String name, Work work) throws SQLException {
        VmJob job = jobs.load(jobId);
        int seq = jobs.stepStarted(jobId, name, "do");
        String detail;
        try {
            detail = work.run(job);
        } catch (Exception e) {
            String message = e instanceof ProxmoxError || e instanceof IllegalStateException ? e.getMessage() : e.toString();
            jobs.stepEnded(jobId, seq, "failed", message);
            throw new VmStepFailed(name, message);
        }
        jobs.stepEnded(jobId, seq, "ok", detail);
    }
}
