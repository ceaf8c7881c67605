package dev.scanflow.agent.work;

import java.util.concurrent.atomic.AtomicLong;
import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Work items from the site's work topic (agent-routes/kafka/work.yaml). Today they are logged and acknowledged;
 * on-demand scans (a later issue) will act on them here, before the acknowledgement.
 */
public class SiteWork {

    private static final Logger LOG = LoggerFactory.getLogger(SiteWork.class);

    private final AtomicLong received = new AtomicLong();

    public void received(Exchange exchange) {
        String body = exchange.getMessage().getBody(String.class);
        LOG.info("work item {} from {}-{}@{}: {}", exchange.getMessage().getHeader(KafkaConstants.KEY),
                exchange.getMessage().getHeader(KafkaConstants.TOPIC), exchange.getMessage().getHeader(KafkaConstants.PARTITION),
                exchange.getMessage().getHeader(KafkaConstants.OFFSET), abbreviated(body));
        KafkaManualCommit commit = exchange.getMessage().getHeader(KafkaConstants.MANUAL_COMMIT, KafkaManualCommit.class);
        if (commit != null) {
            commit.commit();
        }
        received.incrementAndGet();
    }

    /** How many work items this agent took since it started. */
    public long count() {
        return received.get();
    }

    private static String abbreviated(String body) {
        if (body == null) {
            return "";
        }
        String line = body.replaceAll("\\s+", " ").strip();
        return line.length() > 500 ? line.substring(0, 500) + "…" : line;
    }
}
