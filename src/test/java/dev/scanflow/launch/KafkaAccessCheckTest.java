package dev.scanflow.launch;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scanflow.config.InvalidSettings;
import dev.scanflow.config.KafkaSettings;
import dev.scanflow.config.SettingsSource;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * The start-up check's two answers that need no broker: a cluster that does not answer lets the role start
 * (after the timeout), settings Kafka cannot even build a client from stop it in one line. The refused login
 * and the refused certificate are KafkaSecurityIT's, against a real secured broker.
 */
class KafkaAccessCheckTest {

    @Test
    void aClusterThatDoesNotAnswerLetsTheRoleStart() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        KafkaSettings kafka = settings("scanflow.kafka.brokers", "127.0.0.1:" + closed);
        long started = System.nanoTime();
        KafkaAccessCheck.require(kafka, Duration.ofSeconds(2));
        assertTrue(System.nanoTime() - started < Duration.ofSeconds(15).toNanos(), "bounded by the timeout");
    }

    @Test
    void aTrustStoreThatCannotBeReadStopsTheStartInOneLine() {
        KafkaSettings kafka = settings("scanflow.kafka.brokers", "127.0.0.1:9",
                "scanflow.kafka.security-protocol", "SSL",
                "scanflow.kafka.ssl-truststore-location", "/nonexistent/kafka-ca.p12",
                "scanflow.kafka.ssl-truststore-type", "PKCS12",
                "scanflow.kafka.ssl-truststore-password", "not-a-real-one");
        InvalidSettings refused = assertThrows(InvalidSettings.class, () -> KafkaAccessCheck.require(kafka, Duration.ofSeconds(2)));
        assertTrue(refused.getMessage().startsWith("scanflow.kafka.*: the Kafka client cannot be set up: "), refused.getMessage());
        assertTrue(refused.getMessage().contains("kafka-ca.p12"), refused.getMessage());
        assertTrue(!refused.getMessage().contains("\n") && !refused.getMessage().contains("not-a-real-one"), refused.getMessage());
    }

    private static KafkaSettings settings(String... keysAndValues) {
        Properties properties = new Properties();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            properties.setProperty(keysAndValues[i], keysAndValues[i + 1]);
        }
        return KafkaSettings.from(SettingsSource.of(properties));
    }
}
