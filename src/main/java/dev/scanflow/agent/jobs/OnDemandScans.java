package dev.scanflow.agent.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scanflow.agent.fleet.ServerCalls;
import dev.scanflow.agent.plan.ScanJob;
import dev.scanflow.agent.plan.ScanPlanner;
import dev.scanflow.agent.scan.ScanProgress;
import dev.scanflow.agent.scan.WatchedExecutor;
import dev.scanflow.report.PortList;
import dev.scanflow.report.ScanProfile;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scans on demand on the agent (agent-routes/server-calls.yaml polls {@link #pollOnce}; over Kafka a work item
 * for this agent starts {@link #takeSoon} at once): asks the server for its oldest queued job, claims it (a 409
 * means another poll or item won: nothing to do), runs it through the agent's own scan pipeline ({@code direct:scan-job}: archive, report, delivery as for scheduled scans), reports progress
 * every second from the scanner's progress gauge, and ends the job done, failed or cancelled. When a progress
 * answer says an operator cancelled the job, the running scanner process is killed.
 */
public class OnDemandScans {

    private static final Logger LOG = LoggerFactory.getLogger(OnDemandScans.class);
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(1);

    private final ServerCalls server;
    private final ScanPlanner planner;
    private final Supplier<List<String>> assigned;
    private final WatchedExecutor scanners;
    private final MeterRegistry registry;
    private final ObjectMapper json;
    private static final int TAKERS_WAITING = 64;

    private final ExecutorService worker = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "scan-on-demand");
        thread.setDaemon(true);
        return thread;
    });
    // jobs named by work items, taken one after the other; a full queue leaves the rest to the poll
    private final ExecutorService takers = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(TAKERS_WAITING), runnable -> {
                Thread thread = new Thread(runnable, "scan-on-demand-work-item");
                thread.setDaemon(true);
                return thread;
            });
    // a polled job and one from a work item never run at the same time, as before with the poll alone
    private final ReentrantLock oneAtATime = new ReentrantLock();

    public OnDemandScans(ServerCalls server, ScanPlanner planner, Supplier<List<String>> assigned,
                         WatchedExecutor scanners, MeterRegistry registry, ObjectMapper json) {
        this.server = server;
        this.planner = planner;
        this.assigned = assigned;
        this.scanners = scanners;
        this.registry = registry;
        this.json = json;
    }

    public void close() {
        takers.shutdownNow();
        worker.shutdownNow();
    }

    /** One poll: at most one job taken and run to its end. */
    public void pollOnce(Exchange poll) throws IOException, InterruptedException {
        ServerCalls.Answer next = server.get("/api/v1/agent/scan-jobs/next");
        if (next.status() == 204) {
            return;
        }
        if (next.status() != 200) {
            LOG.warn("asking the server for scans on demand failed ({}): {}", next.status(), next.body());
            return;
        }
        claimAndRun(poll.getContext(), json.readTree(next.body()).get("id").asText());
    }

    /**
     * A work item on the site's work topic named this job (agent-routes/kafka/work.yaml): it is claimed and run at
     * once on a thread of its own (the Kafka consumer's thread is not held for a scan), the same way as a polled
     * job. The item is only a hint: what runs is what the server's claim answer says.
     */
    public void takeSoon(String jobId, Exchange item) {
        CamelContext context = item.getContext();
        try {
            takers.execute(() -> {
                try {
                    claimAndRun(context, jobId);
                } catch (IOException e) {
                    LOG.warn("scan job {} from the work topic: {}", jobId, e.getMessage());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.warn("scan job {} from the work topic not taken now ({} items waiting): the next poll finds it",
                    jobId, TAKERS_WAITING);
        }
    }

    /** Claims the job (409: another poll or item won it, nothing to do) and runs it to its end; one job at a time. */
    private void claimAndRun(CamelContext context, String id) throws IOException, InterruptedException {
        oneAtATime.lockInterruptibly();
        try {
            ServerCalls.Answer claim = server.post("/api/v1/agent/scan-jobs/" + id + "/claim", "");
            if (claim.status() != 200) {
                LOG.info("scan job {} not claimed ({}): {}", id, claim.status(), claim.body());
                return;
            }
            JsonNode job = json.readTree(claim.body());
            String subnet = job.get("subnet").asText();
            LOG.info("scan job {} claimed: {} with profile {}", id, subnet, job.get("profile").asText());
            if (!assigned.get().contains(subnet)) {
                finish(id, "failed", subnet + " is not assigned to this agent", null);
                return;
            }
            List<ScanJob> scans;
            try {
                scans = plan(subnet, job.get("profile").asText(), job.path("ports").isTextual() ? job.get("ports").asText() : null);
            } catch (RuntimeException e) {
                finish(id, "failed", "cannot plan: " + e.getMessage(), null);
                return;
            }
            run(context, id, scans);
        } finally {
            oneAtATime.unlock();
        }
    }

    private List<ScanJob> plan(String subnet, String profileId, String ports) {
        return planner.plan(subnet, ScanProfile.of(profileId), ports == null ? null : PortList.parse(ports));
    }

    private void run(CamelContext context, String id, List<ScanJob> scans) throws IOException, InterruptedException {
        AtomicReference<Thread> scanning = new AtomicReference<>();
        AtomicReference<String> reportId = new AtomicReference<>();
        Future<String> outcome = worker.submit(() -> {
            scanning.set(Thread.currentThread());
            ProducerTemplate template = context.createProducerTemplate();
            try {
                for (ScanJob scan : scans) {
                    Exchange done = template.send("direct:scan-job", exchange -> exchange.getMessage().setBody(scan));
                    Exception failed = done.getException() != null ? done.getException()
                            : done.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
                    if (failed != null) {
                        return "failed: " + failed.getMessage();
                    }
                    reportId.set(done.getProperty("reportId", String.class));
                }
                return "done";
            } finally {
                template.stop();
            }
        });
        boolean cancelled = false;
        while (true) {
            try {
                String result = outcome.get(PROGRESS_EVERY.toMillis(), TimeUnit.MILLISECONDS);
                if (cancelled) {
                    finish(id, "cancelled", "scanner stopped on the operator's request", null);
                } else if (result.equals("done")) {
                    finish(id, "done", null, reportId.get());
                } else {
                    finish(id, "failed", result.substring("failed: ".length()), null);
                }
                return;
            } catch (TimeoutException stillRunning) {
                if (!cancelled && progress(id)) {
                    cancelled = true;
                    Thread thread = scanning.get();
                    boolean killed = thread != null && scanners.stop(thread);
                    LOG.info("scan job {} cancelled by an operator: {}", id, killed ? "scanner killed" : "no scanner running");
                }
            } catch (java.util.concurrent.ExecutionException e) {
                finish(id, cancelled ? "cancelled" : "failed", String.valueOf(e.getCause().getMessage()), null);
                return;
            }
        }
    }

    /** Sends the scanner's progress; true when the answer says an operator cancelled the job. */
    private boolean progress(String id) throws IOException, InterruptedException {
        double percent = 0;
        for (Gauge gauge : registry.find(ScanProgress.GAUGE).gauges()) {
            percent = Math.max(percent, gauge.value());
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("percent", Math.min(99.0, Math.max(0, Double.isNaN(percent) ? 0 : percent)));
        ServerCalls.Answer answer = server.post("/api/v1/agent/scan-jobs/" + id + "/progress", json.writeValueAsString(body));
        if (answer.status() != 200) {
            LOG.warn("progress of scan job {} refused ({}): {}", id, answer.status(), answer.body());
            return false;
        }
        return json.readTree(answer.body()).path("cancelRequested").asBoolean(false);
    }

    private void finish(String id, String status, String message, String reportId) throws IOException, InterruptedException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", status);
        if (message != null) {
            body.put("message", message.length() > 1000 ? message.substring(0, 1000) : message);
        }
        if (reportId != null) {
            body.put("reportId", reportId);
        }
        ServerCalls.Answer answer = server.post("/api/v1/agent/scan-jobs/" + id + "/finish", json.writeValueAsString(body));
        LOG.info("scan job {} ended {} ({}){}", id, status, answer.status(), message == null ? "" : ": " + message);
    }
}
