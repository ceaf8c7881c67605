package dev.scanflow.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class KafkaSettingsTest {

    private static SettingsSource source(String... keyValues) {
        Properties properties = new Properties();
        for (int i = 0; i < keyValues.length; i += 2) {
            properties.setProperty(keyValues[i], keyValues[i + 1]);
        }
        return SettingsSource.of(properties);
    }

    @Test
    void offWithoutBrokersAndDefaultsWithThem() {
        assertTrue(KafkaSettings.fromIfConfigured(source()).isEmpty());
        KafkaSettings kafka = KafkaSettings.fromIfConfigured(source("scanflow.kafka.brokers", "192.0.2.10:9092,192.0.2.11:9092"))
                .orElseThrow();
        assertEquals("scanflow.reports", kafka.reportsTopic());
        assertEquals("scanflow.reports.dlt", kafka.deadLetterTopic());
        assertEquals("scanflow.work.site-a", kafka.workTopic("site-a"));
        assertEquals("scanflow-servers", kafka.groupId());
        assertEquals(1, kafka.consumers());
        assertEquals(1024 * 1024, kafka.maxRequestBytes());
        assertEquals(Map.of("camel.component.kafka.brokers", "192.0.2.10:9092,192.0.2.11:9092",
                "camel.component.kafka.securityProtocol", "PLAINTEXT"), kafka.componentProperties());
    }

    @Test
    void scramOverTlsBecomesCamelKafkaOptionsAndStaysOutOfToString() {
        String jaas = "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"site-a\" password=\"s3cret\";";
        KafkaSettings kafka = KafkaSettings.from(source("scanflow.kafka.brokers", "kafka.example.net:9093",
                "scanflow.kafka.security-protocol", "sasl_ssl", "scanflow.kafka.sasl-mechanism", "SCRAM-SHA-512",
                "scanflow.kafka.sasl-jaas-config", jaas, "scanflow.kafka.ssl-truststore-location", "/etc/scanflow/ca.p12",
                "scanflow.kafka.ssl-truststore-password", "trust-pass"));
        Map<String, String> options = kafka.componentProperties();
        assertEquals("SASL_SSL", options.get("camel.component.kafka.securityProtocol"));
        assertEquals("SCRAM-SHA-512", options.get("camel.component.kafka.saslMechanism"));
        assertEquals(jaas, options.get("camel.component.kafka.saslJaasConfig"));
        assertEquals("/etc/scanflow/ca.p12", options.get("camel.component.kafka.sslTruststoreLocation"));
        assertEquals("trust-pass", options.get("camel.component.kafka.sslTruststorePassword"));
        // the same options under Kafka's own client names, for the start-up check's admin client
        java.util.Properties client = kafka.clientProperties();
        assertEquals("kafka.example.net:9093", client.getProperty("bootstrap.servers"));
        assertEquals("SASL_SSL", client.getProperty("security.protocol"));
        assertEquals("SCRAM-SHA-512", client.getProperty("sasl.mechanism"));
        assertEquals(jaas, client.getProperty("sasl.jaas.config"));
        assertEquals("/etc/scanflow/ca.p12", client.getProperty("ssl.truststore.location"));
        assertEquals("trust-pass", client.getProperty("ssl.truststore.password"));
        assertEquals(6, client.size(), client.keySet().toString());
        assertFalse(kafka.toString().contains("s3cret"), kafka.toString());
        assertFalse(kafka.toString().contains("trust-pass"), kafka.toString());
    }

    @Test
    void refusesWhatCannotWork() {
        assertThrows(InvalidSettings.class, () -> KafkaSettings.from(source("scanflow.kafka.brokers", "a b")));
        assertThrows(InvalidSettings.class, () -> KafkaSettings.from(source("scanflow.kafka.brokers", "h:9092",
                "scanflow.kafka.security-protocol", "TLS")));
        InvalidSettings sasl = assertThrows(InvalidSettings.class, () -> KafkaSettings.from(source(
                "scanflow.kafka.brokers", "h:9092", "scanflow.kafka.security-protocol", "SASL_SSL")));
        assertTrue(sasl.getMessage().contains("scanflow.kafka.sasl-jaas-config"), sasl.getMessage());
        assertThrows(InvalidSettings.class, () -> KafkaSettings.from(source("scanflow.kafka.brokers", "h:9092",
                "scanflow.kafka.reports-topic", "reports/../x")));
    }

    @Test
    void theAgentSendsOverHttpUnlessToldKafkaAndThenNeedsItsSite() {
        assertFalse(AgentTransportSettings.from(source()).overKafka());
        InvalidSettings noSite = assertThrows(InvalidSettings.class, () -> AgentTransportSettings.from(source(
                "scanflow.agent.transport", "kafka", "scanflow.kafka.brokers", "h:9092")));
        assertTrue(noSite.getMessage().contains("scanflow.agent.site"), noSite.getMessage());
        assertThrows(InvalidSettings.class, () -> AgentTransportSettings.from(source("scanflow.agent.transport", "kafka",
                "scanflow.agent.site", "site a", "scanflow.kafka.brokers", "h:9092")));
        assertThrows(InvalidSettings.class, () -> AgentTransportSettings.from(source("scanflow.agent.transport", "carrier-pigeon")));
        AgentTransportSettings kafka = AgentTransportSettings.from(source("scanflow.agent.transport", "KAFKA",
                "scanflow.agent.site", "site-a", "scanflow.kafka.brokers", "h:9092"));
        assertTrue(kafka.overKafka());
        assertEquals("scanflow.work.site-a", kafka.kafka().orElseThrow().workTopic("site-a"));
    }
}
