package dev.scanflow.agent.work;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Work items from the site's work topic (agent-routes/kafka/work.yaml). Every item is acknowledged (its offset
 * committed) here, whatever it holds: an item is a hint, never the only way to a job. A {@code scan-job} item
 * for this agent's code gives the job id to start at once (agent-routes/kafka/work.yaml hands it to
 * onDemandScans); items for other agents of the site, and other kinds, are logged and skipped; an item that is
 * not a JSON object with those fields is logged in one line and skipped.
 */
public class SiteWork {

    private static final Logger LOG = LoggerFactory.getLogger(SiteWork.class);
    private static final int MAX_ITEM = 64 * 1024;

    private final String agentCode;
    private final ObjectMapper json;
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong scanJobs = new AtomicLong();

    public SiteWork(String agentCode, ObjectMapper json) {
        this.agentCode = agentCode;
        this.json = json;
    }

    /** Acknowledges the item; the id of the scan job it names for this agent, or null when there is none. */
    public String received(Exchange exchange) {
        String body = exchange.getMessage().getBody(String.class);
        String origin = exchange.getMessage().getHeader(KafkaConstants.TOPIC) + "-"
                + exchange.getMessage().getHeader(KafkaConstants.PARTITION) + "@"
                + exchange.getMessage().getHeader(KafkaConstants.OFFSET);
        KafkaManualCommit commit = exchange.getMessage().getHeader(KafkaConstants.MANUAL_COMMIT, KafkaManualCommit.class);
        if (commit != null) {
            commit.commit();
        }
        received.incrementAndGet();
        String jobId;
        try {
            jobId = scanJobFor(body);
        } catch (IllegalArgumentException e) {
            LOG.warn("work item {} skipped: {}: {}", origin, abbreviated(e.getMessage()), abbreviated(body));
            return null;
        }
        if (jobId != null) {
            scanJobs.incrementAndGet();
            LOG.info("work item {}: scan job {} for this agent, taken now", origin, jobId);
        } else {
            LOG.info("work item {} not for this agent: {}", origin, abbreviated(body));
        }
        return jobId;
    }

    /** The job id of a scan-job item for this agent; null for another agent's item or another kind. */
    String scanJobFor(String body) {
        if (body == null || body.isBlank()) {
            throw new IllegalArgumentException("empty");
        }
        if (body.length() > MAX_ITEM) {
            throw new IllegalArgumentException("larger than " + MAX_ITEM + " characters");
        }
        JsonNode item;
        try {
            item = json.readTree(body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON (" + e.getOriginalMessage() + ")");
        }
        if (item == null || !item.isObject() || !item.path("kind").isTextual()) {
            throw new IllegalArgumentException("not a JSON object with a kind");
        }
        if (!"scan-job".equals(item.get("kind").asText())) {
            return null;
        }
        if (!item.path("agent").isTextual() || !item.path("jobId").isTextual()) {
            throw new IllegalArgumentException("a scan-job item needs agent and jobId");
        }
        if (!agentCode.equals(item.get("agent").asText())) {
            return null;
        }
        try {
            return UUID.fromString(item.get("jobId").asText()).toString();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("jobId is no UUID");
        }
    }

    /** How many work items this agent took since it started. */
    public long count() {
        return received.get();
    }

    /** How many of them were scan jobs for this agent, started at once. */
    public long scanJobs() {
        return scanJobs.get();
    }

    private static String abbreviated(String body) {
        if (body == null) {
            return "";
        }
        String line = body.replaceAll("\\s+", " ").strip();
        return line.length() > 200 ? line.substring(0, 200) + "…" : line;
    }
}
