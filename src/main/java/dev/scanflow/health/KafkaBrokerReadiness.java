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
    private final Duration timeout;
    private Admin admin;

    public KafkaBrokerReadiness(String id, String bootstrapServers, Duration timeout) {
        this.id = id;
        this.bootstrapServers = bootstrapServers;
        this.timeout = timeout;
    }

    /** The {@code brokers=} option of each {@code kafka:} endpoint URI, once each. */
    public static List<String> brokersOf(List<String> endpointUris) {
        List<String> brokers = new ArrayList<>();
        for (String uri : endpointUris) {
            if (!uri.startsWith("kafka:")) {
                continue;
            }
            int query = uri.indexOf('?');
            if (query < 0) {
                continue;
            }
            for (String option : uri.substring(query + 1).split("&")) {
                if (option.startsWith("brokers=") && !brokers.contains(option.substring(8))) {
                    brokers.add(option.substring(8));
                }
            }
        }
        return brokers;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public synchronized Readiness check() throws Exception {
        if (admin == null) {
            Properties properties = new Properties();
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
