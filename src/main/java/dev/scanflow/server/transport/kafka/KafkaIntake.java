package dev.scanflow.server.transport.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;

/**
 * What the Kafka entry route (routes/kafka/report-intake.yaml) needs beyond the apply path: committing a
 * record's offset, and the headers a dead-letter record carries.
 */
public class KafkaIntake {

    /** Dead-letter headers: why the record was not applied, and where it came from. */
    public static final String STATUS = "scanflow-dlt-status";
    public static final String REASON = "scanflow-dlt-reason";
    public static final String TOPIC = "scanflow-dlt-topic";
    public static final String PARTITION = "scanflow-dlt-partition";
    public static final String OFFSET = "scanflow-dlt-offset";
    public static final String AGENT = "scanflow-dlt-agent";
    public static final String TIME = "scanflow-dlt-time";

    /**
     * Commits the record's offset (the next one to read) synchronously, on the consumer's thread: called only
     * after the database commit, or after the record went to the dead-letter topic.
     */
    public void commit(Exchange exchange) {
        KafkaManualCommit commit = exchange.getMessage().getHeader(KafkaConstants.MANUAL_COMMIT, KafkaManualCommit.class);
        if (commit == null) {
            throw new IllegalStateException("no manual commit on the exchange: the consumer needs allowManualCommit=true");
        }
        commit.commit();
    }

    /** Where the record came from, for log lines: topic-partition@offset. */
    public String origin(Exchange exchange) {
        Message in = exchange.getMessage();
        return in.getHeader(KafkaConstants.TOPIC) + "-" + in.getHeader(KafkaConstants.PARTITION) + "@"
                + in.getHeader(KafkaConstants.OFFSET);
    }

    /**
     * Turns the exchange into the dead-letter record: the record's own bytes and key, and headers saying why
     * (status as HTTP would have answered, the reason) and from where. Nothing else goes along: not the token
     * (the Authorization header), not the consumer's headers (the producer would take some of them as orders).
     */
    public void deadLetter(Exchange exchange, int status, String reason) {
        Message message = exchange.getMessage();
        Object key = message.getHeader(KafkaConstants.KEY);
        String origin = String.valueOf(message.getHeader(KafkaConstants.TOPIC));
        Object partition = message.getHeader(KafkaConstants.PARTITION);
        Object offset = message.getHeader(KafkaConstants.OFFSET);
        Object commit = message.getHeader(KafkaConstants.MANUAL_COMMIT);
        String agent = exchange.getProperty("tokenAgentCode", String.class);
        message.removeHeaders("*");
        if (key != null) {
            message.setHeader(KafkaConstants.KEY, key.toString());
        }
        message.setHeader(KafkaConstants.MANUAL_COMMIT, commit);
        message.setHeader(STATUS, Integer.toString(status));
        message.setHeader(REASON, reason == null ? "" : oneLine(reason));
        message.setHeader(TOPIC, origin);
        message.setHeader(PARTITION, String.valueOf(partition));
        message.setHeader(OFFSET, String.valueOf(offset));
        if (agent != null) {
            message.setHeader(AGENT, agent);
        }
        message.setHeader(TIME, Instant.now().toString());
        byte[] record = exchange.getProperty("record", byte[].class);
        message.setBody(record == null ? new byte[0] : record);
    }

    /** The dead-letter headers of a consumed record, as text (for tests and tools). */
    public static String text(Map<String, Object> headers, String name) {
        Object value = headers.get(name);
        return value instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : value == null ? null : value.toString();
    }

    private static String oneLine(String text) {
        String line = text.replaceAll("\\s+", " ").strip();
        return line.length() > 1000 ? line.substring(0, 1000) + "…" : line;
    }
}
