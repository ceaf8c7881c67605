package dev.scanflow.agent.deliver;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * The key of a report's Kafka record, {@code <site>/<subnet>}: Kafka keeps the records of one key in one
 * partition, in the order they were sent, so one subnet's reports are applied in order while other subnets
 * spread over the partitions (and the servers of the consumer group). Two sites may scan the same private
 * range: the site in the key keeps them apart.
 */
public final class KafkaRecordKey {

    private static final JsonFactory JSON = new JsonFactory();

    private final String site;

    public KafkaRecordKey(String site) {
        this.site = site;
    }

    /** Reads only as far as the report's "subnet" field; the spool holds reports this agent wrote. */
    public String of(byte[] report) throws IOException {
        try (JsonParser parser = JSON.createParser(report)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("a spooled report is not a JSON object");
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if ("subnet".equals(field) && value == JsonToken.VALUE_STRING) {
                    return site + "/" + parser.getText();
                }
                parser.skipChildren();
            }
        }
        throw new IOException("a spooled report has no subnet");
    }
}
