package dev.scanflow.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Properties;
import java.util.stream.Stream;
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

    private KafkaBroker(Path logDir, Properties config, KafkaRaftServer server, int port) {
        this.logDir = logDir;
        this.config = config;
        this.server = server;
        this.port = port;
    }

    public static KafkaBroker start() throws IOException {
        Path logDir = Files.createTempDirectory("scanflow-kafka-");
        int port = ServerUnderTest.freePort();
        int controllerPort = ServerUnderTest.freePort();
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", "1");
        p.setProperty("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
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
        StorageTool.execute(new String[] {"format", "-t", org.apache.kafka.common.Uuid.randomUuid().toString(),
                "-c", config.toString()}, new PrintStream(output));
        KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(p, false), Time.SYSTEM);
        server.startup();
        return new KafkaBroker(logDir, p, server, port);
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
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
        try (Stream<Path> files = Files.walk(logDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }
}
