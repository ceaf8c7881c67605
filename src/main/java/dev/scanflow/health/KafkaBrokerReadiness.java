package dev.scanflow.health;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Node;

/**
 * A Kafka cluster ScanFlow sends to answers: its nodes are listed within the timeout. One admin client per
 * broker list, kept for the life of the check (creating one per check would cost threads and connections).
 * Camel's own Kafka producer check exists only once a first message was sent, and reads the client's state,
 * not the broker's, so this asks the broker.
 */
public final class KafkaBrokerReadiness implements ReadinessContributor, AutoCloseable {

    private final String id;
    private final String bootstrapServers;
    private final Properties security;
    private final Duration timeout;
    private Admin admin;

    public KafkaBrokerReadiness(String id, String bootstrapServers, Duration timeout) {
        this(id, new Cluster(bootstrapServers, new Properties()), timeout);
    }

    /** With the cluster's security options, so a secured cluster is asked as the endpoint's producer asks it. */
    public KafkaBrokerReadiness(String id, Cluster cluster, Duration timeout) {
        this.id = id;
        this.bootstrapServers = cluster.brokers();
        this.security = cluster.security();
        this.timeout = timeout;
    }

    /**
     * A cluster events go to: its {@code brokers=} and the endpoint's own security options, in Kafka's names.
     *
     * @param security security.protocol, sasl.*, ssl.* as the producer of the endpoint gets them
     */
    public record Cluster(String brokers, Properties security) {
    }

    /** The {@code brokers=} option of each {@code kafka:} endpoint URI, once each. */
    public static List<String> brokersOf(List<String> endpointUris) {
        return clustersOf(endpointUris).stream().map(Cluster::brokers).toList();
    }

    /**
     * Each {@code kafka:} endpoint URI's cluster, once per broker list, with the endpoint's security options
     * (camel-kafka's {@code securityProtocol}, {@code saslMechanism}, {@code sslTruststoreLocation} ... are
     * Kafka's {@code security.protocol}, {@code sasl.mechanism}, {@code ssl.truststore.location} ...).
     */
    public static List<Cluster> clustersOf(List<String> endpointUris) {
        List<Cluster> clusters = new ArrayList<>();
        for (String uri : endpointUris) {
            int query = uri.indexOf('?');
            if (!uri.startsWith("kafka:") || query < 0) {
                continue;
            }
            String brokers = null;
            Properties security = new Properties();
            for (String option : uri.substring(query + 1).split("&")) {
                int equals = option.indexOf('=');
                if (equals < 0) {
                    continue;
                }
                String name = option.substring(0, equals);
                String value = optionValue(option.substring(equals + 1));
                if (name.equals("brokers")) {
                    brokers = value;
                } else if (name.startsWith("security") || name.startsWith("sasl") || name.startsWith("ssl")) {
                    security.setProperty(name.replaceAll("([A-Z])", ".$1").toLowerCase(java.util.Locale.ROOT), value);
                }
            }
            String found = brokers;
            if (found != null && clusters.stream().noneMatch(c -> c.brokers().equals(found))) {
                clusters.add(new Cluster(found, security));
            }
        }
        return clusters;
    }

    /** An option's value as Camel reads it: RAW(...) as is, anything else URL-decoded. */
    private static String optionValue(String raw) {
        if (raw.startsWith("RAW(") && raw.endsWith(")")) {
            return raw.substring(4, raw.length() - 1);
        }
        return java.net.URLDecoder.decode(raw, java.nio.charset.StandardCharsets.UTF_8);
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public synchronized Readiness check() throws Exception {
        if (admin == null) {
            Properties properties = new Properties();
            properties.putAll(security);
            properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            properties.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
            properties.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
            properties.put(AdminClientConfig.CLIENT_ID_CONFIG, "scanflow-readiness");
            admin = Admin.create(properties);
        }
        try {
            var nodes = admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) timeout.toMillis()))
                    .nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return Readiness.up("Kafka at " + bootstrapServers + " answered")
                    .with(Map.of("nodes", nodes.stream().map(Node::idString).toList().toString()));
        } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
            return Readiness.down("Kafka at " + bootstrapServers + " did not answer within " + timeout.toMillis() + " ms");
        }
    }

    @Override
    public synchronized void close() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(1));
            admin = null;
        }
    }
}
