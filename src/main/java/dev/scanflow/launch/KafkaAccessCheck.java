package dev.scanflow.launch;

import dev.scanflow.config.InvalidSettings;
import dev.scanflow.config.KafkaSettings;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Before a role starts its routes, one Kafka client logs in to the cluster with the role's own settings
 * (scanflow.kafka.*). Credentials the cluster refuses stop the start with one line naming the key to fix
 * (exit 2), where the role's consumers and producers would otherwise retry the login every second for ever
 * and fill the log. A cluster that does not answer is no setting's fault: a WARN line, and the role starts
 * (the agent keeps its reports in the spool, the server's consumers wait for the brokers).
 */
public final class KafkaAccessCheck {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaAccessCheck.class);

    private KafkaAccessCheck() {
    }

    /** Throws {@link InvalidSettings} when the cluster refuses this client; returns otherwise. */
    public static void require(KafkaSettings kafka, Duration timeout) {
        Properties properties = kafka.clientProperties();
        properties.setProperty(AdminClientConfig.CLIENT_ID_CONFIG, "scanflow-access-check");
        properties.setProperty(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(timeout.toMillis()));
        properties.setProperty(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(timeout.toMillis()));
        Admin admin;
        try {
            admin = Admin.create(properties);
        } catch (KafkaException e) {
            // a trust store or key store that cannot be read, a JAAS line Kafka cannot parse
            throw new InvalidSettings("scanflow.kafka.*: the Kafka client cannot be set up: " + rootMessage(e));
        }
        try {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) timeout.toMillis()))
                    .nodes().get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof AuthenticationException refused) {
                throw new InvalidSettings(refusal(kafka, refused));
            }
            LOG.warn("Kafka at {} did not answer the start-up check ({}); starting anyway", kafka.brokers(), rootMessage(e));
        } catch (TimeoutException e) {
            LOG.warn("Kafka at {} did not answer within {} s; starting anyway", kafka.brokers(), timeout.toSeconds());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking Kafka at " + kafka.brokers(), e);
        } finally {
            admin.close(Duration.ofSeconds(2));
        }
    }

    /** One line naming the key to fix and what the broker said; never the credentials themselves. */
    static String refusal(KafkaSettings kafka, AuthenticationException refused) {
        String at = " at " + kafka.brokers();
        if (refused instanceof SaslAuthenticationException) {
            return "scanflow.kafka.sasl-jaas-config: the Kafka cluster" + at + " refused this client's login ("
                    + rootMessage(refused) + "); check the user and password in SCANFLOW_KAFKA_SASL_JAAS_CONFIG or its _FILE";
        }
        if (refused instanceof SslAuthenticationException) {
            return "scanflow.kafka.ssl-truststore-location / ssl-keystore-location: the TLS handshake with the Kafka cluster"
                    + at + " failed (" + rootMessage(refused) + ")";
        }
        return "scanflow.kafka.security-protocol / sasl-mechanism: the Kafka cluster" + at + " refused this client ("
                + rootMessage(refused) + ")";
    }

    private static String rootMessage(Throwable thrown) {
        Throwable root = thrown;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        int newline = message.indexOf('\n');
        return (newline < 0 ? message : message.substring(0, newline)).strip();
    }
}
