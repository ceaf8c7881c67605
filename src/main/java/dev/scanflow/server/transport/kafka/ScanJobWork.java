package dev.scanflow.server.transport.kafka;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scanflow.server.fleet.ConsoleDb;
import dev.scanflow.server.jobs.ScanJob;
import dev.scanflow.server.jobs.ScanJobs;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultExchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scans on demand over Kafka, the server's half (routes/kafka/scan-job-work.yaml): a job queued (new or requeued)
 * becomes a work item on the owning agent's site work topic, so the agent starts it at once instead of at its next
 * HTTP poll. The site is the one the agent's last heartbeat named (fleet_agents.site). Only a hint: the agent still
 * claims, reports progress and finishes over HTTP, so an item lost (broker down, queue full, no site known yet)
 * costs only the wait for the agent's next poll.
 */
public class ScanJobWork implements ScanJobs.Queued {

    /** Item kind on the work topic. */
    public static final String KIND = "scan-job";

    private static final Logger LOG = LoggerFactory.getLogger(ScanJobWork.class);
    private static final int WAITING = 1000;

    /** One record for a site's work topic. */
    public record WorkItem(String topic, String key, String json) {
    }

    private final DataSource dataSource;
    private final String fleet;
    private final String topicPrefix;
    private final ObjectMapper json;
    // the queue of seda:scan-job-work (queue=#scanJobWorkQueue): an exchange put straight in it is timed and
    // counted as the route's own, and a full queue refuses at once instead of holding the operator's request
    private final BlockingQueue<Exchange> queue = new ArrayBlockingQueue<>(WAITING);
    private volatile CamelContext context;

    public ScanJobWork(DataSource dataSource, String schema, String topicPrefix, ObjectMapper json) {
        this.dataSource = dataSource;
        this.fleet = ConsoleDb.table(schema, "fleet_agents");
        this.topicPrefix = topicPrefix;
        this.json = json;
    }

    /** Once the context runs: from then on queued jobs go to the publishing route. */
    public void start(CamelContext started) {
        context = started;
    }

    /** The queue the publishing route consumes. */
    public BlockingQueue<Exchange> queue() {
        return queue;
    }

    /** Called after the job's commit, on the caller's thread: hands the job over without waiting. */
    @Override
    public void queued(ScanJob job) {
        CamelContext running = context;
        if (running == null) {
            return;
        }
        Exchange exchange = new DefaultExchange(running);
        exchange.getMessage().setBody(job);
        if (!queue.offer(exchange)) {
            // the job is committed; its agent's poll finds it
            LOG.warn("scan job {} not handed to the work topic: {} items wait already", job.id(), WAITING);
        }
    }

    /** The work item for the job's agent's site, or null when no site is known for that agent (HTTP poll only). */
    public WorkItem item(ScanJob job) throws JsonProcessingException {
        String site = site(job.agent());
        if (site == null) {
            LOG.info("scan job {}: agent {} named no Kafka site in its heartbeat; it finds the job by its poll",
                    job.id(), job.agent());
            return null;
        }
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("kind", KIND);
        item.put("jobId", job.id());
        item.put("agent", job.agent());
        item.put("subnet", job.subnet());
        item.put("profile", job.profile());
        item.put("ports", job.ports());
        return new WorkItem(topicPrefix + site, site + "/" + job.subnet(), json.writeValueAsString(item));
    }

    private String site(String agentCode) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT site FROM " + fleet + " WHERE agent_code = ?")) {
            select.setQueryTimeout(10);
            select.setString(1, agentCode);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? rows.getString(1) : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("fleet: " + e.getMessage(), e);
        }
    }
}
