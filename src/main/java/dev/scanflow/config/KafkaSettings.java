package dev.scanflow.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The Kafka cluster agents and servers share (the server's keys in config/server.properties, the agent's in
 * config/agent.properties; both files use the same scanflow.kafka.* names).
 *
 * @param brokers          scanflow.kafka.brokers: bootstrap servers, host:port comma-separated (required for Kafka)
 * @param reportsTopic     scanflow.kafka.reports-topic: agents publish reports here, default scanflow.reports
 * @param deadLetterTopic  scanflow.kafka.dead-letter-topic: records the server can never apply, with the reason in
 *                         headers, default scanflow.reports.dlt
 * @param workTopicPrefix  scanflow.kafka.work-topic-prefix: each site's work topic is this prefix plus the site,
 *                         default scanflow.work.
 * @param groupId          scanflow.kafka.group-id: the servers' consumer group, default scanflow-servers
 * @param consumers        scanflow.kafka.consumers: consumer threads per server, default 1
 * @param maxRequestBytes  scanflow.kafka.max-request-bytes: the largest record the agent sends, default 1048576
 *                         (the broker's own message.max.bytes must allow it too)
 * @param client           the client security options (scanflow.kafka.security-protocol, sasl-*, ssl-*), as
 *                         camel-kafka component option name → value
 */
public record KafkaSettings(String brokers, String reportsTopic, String deadLetterTopic, String workTopicPrefix,
                            String groupId, int consumers, int maxRequestBytes, Map<String, String> client) {

    /** scanflow.kafka.X → camel-kafka's component option of the same meaning. */
    static final Map<String, String> CLIENT_OPTIONS = options();

    private static final List<String> PROTOCOLS = List.of("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL");
    private static final String TOPIC = "[A-Za-z0-9._-]{1,200}";

    public KafkaSettings {
        client = Map.copyOf(client);
    }

    private static Map<String, String> options() {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("scanflow.kafka.security-protocol", "securityProtocol");
        options.put("scanflow.kafka.sasl-mechanism", "saslMechanism");
        options.put("scanflow.kafka.sasl-jaas-config", "saslJaasConfig");
        options.put("scanflow.kafka.ssl-truststore-location", "sslTruststoreLocation");
        options.put("scanflow.kafka.ssl-truststore-password", "sslTruststorePassword");
        options.put("scanflow.kafka.ssl-truststore-type", "sslTruststoreType");
        options.put("scanflow.kafka.ssl-keystore-location", "sslKeystoreLocation");
        options.put("scanflow.kafka.ssl-keystore-password", "sslKeystorePassword");
        options.put("scanflow.kafka.ssl-keystore-type", "sslKeystoreType");
        options.put("scanflow.kafka.ssl-key-password", "sslKeyPassword");
        return Map.copyOf(options);
    }

    /** The cluster's settings when scanflow.kafka.brokers is set; empty otherwise. */
    public static Optional<KafkaSettings> fromIfConfigured(SettingsSource source) {
        if (source.raw("scanflow.kafka.brokers") == null) {
            markKnown(source);
            // the consumer's keys are the server's alone
            source.raw("scanflow.kafka.group-id");
            source.raw("scanflow.kafka.consumers");
            return Optional.empty();
        }
        return Optional.of(from(source));
    }

    /**
     * Kafka's keys are still this role's keys when Kafka is off (config/*.properties documents them): read, so
     * the known-keys check (KnownKeys) neither refuses nor forgets them.
     */
    public static void markKnown(SettingsSource source) {
        for (String key : java.util.List.of("scanflow.kafka.brokers", "scanflow.kafka.reports-topic", "scanflow.kafka.dead-letter-topic", "scanflow.kafka.work-topic-prefix",
                "scanflow.kafka.max-request-bytes")) {
            source.raw(key);
        }
        CLIENT_OPTIONS.keySet().forEach(source::raw);
    }

    public static KafkaSettings from(SettingsSource source) {
        String brokers = source.required("scanflow.kafka.brokers");
        if (!brokers.matches("[A-Za-z0-9.:\\[\\]_-]+(,[A-Za-z0-9.:\\[\\]_-]+)*")) {
            throw new InvalidSettings("scanflow.kafka.brokers must be host:port[,host:port...]: " + brokers);
        }
        Map<String, String> client = new LinkedHashMap<>();
        CLIENT_OPTIONS.forEach((key, option) -> {
            String value = source.raw(key);
            if (value != null) {
                client.put(option, value);
            }
        });
        String protocol = client.getOrDefault("securityProtocol", "PLAINTEXT").toUpperCase(Locale.ROOT);
        if (!PROTOCOLS.contains(protocol)) {
            throw new InvalidSettings("scanflow.kafka.security-protocol must be one of " + PROTOCOLS + ", not " + protocol);
        }
        client.put("securityProtocol", protocol);
        if (protocol.startsWith("SASL") && (!client.containsKey("saslMechanism") || !client.containsKey("saslJaasConfig"))) {
            throw new InvalidSettings("scanflow.kafka.security-protocol " + protocol + " needs scanflow.kafka.sasl-mechanism"
                    + " and scanflow.kafka.sasl-jaas-config (best as SCANFLOW_KAFKA_SASL_JAAS_CONFIG)");
        }
        return new KafkaSettings(brokers,
                topic(source, "scanflow.kafka.reports-topic", "scanflow.reports"),
                topic(source, "scanflow.kafka.dead-letter-topic", "scanflow.reports.dlt"),
                topic(source, "scanflow.kafka.work-topic-prefix", "scanflow.work."),
                topic(source, "scanflow.kafka.group-id", "scanflow-servers"),
                source.integer("scanflow.kafka.consumers", 1, 1, 64),
                source.integer("scanflow.kafka.max-request-bytes", 1024 * 1024, 1024, 256 * 1024 * 1024),
                client);
    }

    /** The work topic of one site. */
    public String workTopic(String site) {
        return workTopicPrefix + site;
    }

    /**
     * camel-kafka component properties (camel.component.kafka.*): every kafka: endpoint of the role, the event
     * topics included, uses the same cluster and the same client security.
     */
    public Map<String, String> componentProperties() {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("camel.component.kafka.brokers", brokers);
        client.forEach((option, value) -> properties.put("camel.component.kafka." + option, value));
        return properties;
    }

    /**
     * The same cluster and client security as Kafka client properties (bootstrap.servers, security.protocol,
     * sasl.jaas.config...), for a client ScanFlow makes itself rather than through camel-kafka (the start-up
     * check that the cluster takes this role's credentials).
     */
    public java.util.Properties clientProperties() {
        java.util.Properties properties = new java.util.Properties();
        properties.setProperty("bootstrap.servers", brokers);
        CLIENT_OPTIONS.forEach((key, option) -> {
            String value = client.get(option);
            if (value != null) {
                // scanflow.kafka.ssl-truststore-location is Kafka's ssl.truststore.location, and so on
                properties.setProperty(key.substring("scanflow.kafka.".length()).replace('-', '.'), value);
            }
        });
        return properties;
    }

    private static String topic(SettingsSource source, String key, String fallback) {
        String value = source.string(key, fallback);
        if (!value.matches(TOPIC)) {
            throw new InvalidSettings(key + " must match " + TOPIC + ": " + value);
        }
        return value;
    }

    @Override
    public String toString() {
        // passwords and the JAAS line never in logs
        return "KafkaSettings[brokers=" + brokers + ", reportsTopic=" + reportsTopic + ", deadLetterTopic="
                + deadLetterTopic + ", groupId=" + groupId + ", securityProtocol=" + client.get("securityProtocol") + "]";
    }
}
