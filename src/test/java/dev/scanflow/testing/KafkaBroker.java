package dev.scanflow.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.utils.Time;

/** A real single-node Kafka broker (KRaft, broker and controller in one) on loopback, inside the test JVM. */
public final class KafkaBroker implements AutoCloseable {

    private final Path logDir;
    private final Properties config;
    private KafkaRaftServer server;
    private final int port;
    private final int sslPort;
    private final Properties client;

    private KafkaBroker(Path logDir, Properties config, KafkaRaftServer server, int port, int sslPort, Properties client) {
        this.logDir = logDir;
        this.config = config;
        this.server = server;
        this.port = port;
        this.sslPort = sslPort;
        this.client = client;
    }

    public static KafkaBroker start() throws IOException {
        int port = ServerUnderTest.freePort();
        int controllerPort = ServerUnderTest.freePort();
        Properties p = new Properties();
        p.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        Properties client = new Properties();
        client.setProperty("bootstrap.servers", "127.0.0.1:" + port);
        return start(p, controllerPort, List.of(), port, -1, client);
    }

    /**
     * A broker with security switched on for every client: a SASL_SSL listener (SCRAM-SHA-512, the broker's own
     * user {@code admin} created when the log dir is formatted, as kafka-storage format --add-scram does) and an
     * SSL listener that requires a client certificate signed by the CA. Only the controller's loopback listener
     * is plain. {@link #clientProperties()} logs in as admin.
     *
     * @param keyStore      PKCS12 key store holding the broker's key and certificate (SAN ip:127.0.0.1)
     * @param caPem         the CA certificate (PEM) the broker and the admin client trust
     * @param adminPassword the SCRAM password of the user admin
     */
    public static KafkaBroker startSecured(Path keyStore, String keyStorePassword, Path caPem, String adminPassword)
            throws IOException {
        int port = ServerUnderTest.freePort();
        int sslPort = ServerUnderTest.freePort();
        int controllerPort = ServerUnderTest.freePort();
        String adminJaas = "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"admin\" password=\""
                + adminPassword + "\";";
        Properties p = new Properties();
        p.setProperty("listeners", "SASL_SSL://127.0.0.1:" + port + ",SSL://127.0.0.1:" + sslPort
                + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.setProperty("advertised.listeners", "SASL_SSL://127.0.0.1:" + port + ",SSL://127.0.0.1:" + sslPort);
        p.setProperty("listener.security.protocol.map", "SASL_SSL:SASL_SSL,SSL:SSL,CONTROLLER:PLAINTEXT");
        p.setProperty("inter.broker.listener.name", "SASL_SSL");
        p.setProperty("sasl.enabled.mechanisms", "SCRAM-SHA-512");
        p.setProperty("sasl.mechanism.inter.broker.protocol", "SCRAM-SHA-512");
        p.setProperty("listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config", adminJaas);
        p.setProperty("listener.name.ssl.ssl.client.auth", "required");
        p.setProperty("ssl.keystore.location", keyStore.toString());
        p.setProperty("ssl.keystore.type", "PKCS12");
        p.setProperty("ssl.keystore.password", keyStorePassword);
        p.setProperty("ssl.key.password", keyStorePassword);
        p.setProperty("ssl.truststore.location", caPem.toString());
        p.setProperty("ssl.truststore.type", "PEM");
        Properties client = new Properties();
        client.setProperty("bootstrap.servers", "127.0.0.1:" + port);
        client.setProperty("security.protocol", "SASL_SSL");
        client.setProperty("sasl.mechanism", "SCRAM-SHA-512");
        client.setProperty("sasl.jaas.config", adminJaas);
        client.setProperty("ssl.truststore.location", caPem.toString());
        client.setProperty("ssl.truststore.type", "PEM");
        return start(p, controllerPort, List.of("--add-scram", "SCRAM-SHA-512=[name=admin,password=" + adminPassword + "]"),
                port, sslPort, client);
    }

    private static KafkaBroker start(Properties p, int controllerPort, List<String> formatOptions, int port, int sslPort,
                                     Properties client) throws IOException {
        Path logDir = Files.createTempDirectory("scanflow-kafka-");
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", "1");
        p.setProperty("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("log.dirs", logDir.toString());
        p.setProperty("offsets.topic.replication.factor", "1");
        p.setProperty("transaction.state.log.replication.factor", "1");
        p.setProperty("transaction.state.log.min.isr", "1");
        p.setProperty("group.initial.rebalance.delay.ms", "0");
        p.setProperty("num.partitions", "1");
        Path config = logDir.resolve("server.properties");
        try (var out = Files.newOutputStream(config)) {
            p.store(out, "ScanFlow test broker");
        }
        // StorageTool.execute, never main(): main exits the JVM
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        List<String> format = new ArrayList<>(List.of("format", "-t", org.apache.kafka.common.Uuid.randomUuid().toString(),
                "-c", config.toString()));
        format.addAll(formatOptions);
        StorageTool.execute(format.toArray(String[]::new), new PrintStream(output));
        KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(p, false), Time.SYSTEM);
        server.startup();
        return new KafkaBroker(logDir, p, server, port, sslPort, client);
    }

    /** The listener clients use: PLAINTEXT, or SASL_SSL on a secured broker. */
    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** A secured broker's SSL listener, which requires a client certificate. */
    public String sslBootstrapServers() {
        if (sslPort < 0) {
            throw new IllegalStateException("this broker has no SSL listener");
        }
        return "127.0.0.1:" + sslPort;
    }

    /** Kafka client properties of the test's own clients (topics, test producers and readers): admin on a secured broker. */
    public Properties clientProperties() {
        Properties copy = new Properties();
        copy.putAll(client);
        return copy;
    }

    /** Stops the broker, keeping its log: {@link #restart()} brings it back on the same port with the same data. */
    public synchronized void stop() {
        if (server != null) {
            server.shutdown();
            server.awaitShutdown();
            server = null;
        }
    }

    public synchronized void restart() {
        stop();
        server = new KafkaRaftServer(KafkaConfig.fromProps(config, false), Time.SYSTEM);
        server.startup();
    }

    @Override
    public void close() throws IOException {
        stop();
        dev.scanflow.demo.WorkDirectories.deleteTree(logDir);
    }
}
