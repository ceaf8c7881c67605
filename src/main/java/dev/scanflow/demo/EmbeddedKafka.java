package dev.scanflow.demo;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

/**
 * The demo's Kafka (bin/scanflow demo --kafka): a real single-node KRaft broker (broker and controller in one)
 * inside the demo's JVM, listening on 127.0.0.1 only, its log in a temporary directory deleted on close. The
 * broker (kafka_2.13) sits in target/demo-lib/ beside the embedded MariaDB, never in the server's target/lib/.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private final Path logDir;
    private final KafkaRaftServer server;
    private final int port;
    private boolean closed;

    private EmbeddedKafka(Path logDir, KafkaRaftServer server, int port) {
        this.logDir = logDir;
        this.server = server;
        this.port = port;
    }

    public static EmbeddedKafka start() {
        try {
            Path logDir = Files.createTempDirectory("scanflow-demo-kafka-");
            int port = freePort();
            int controllerPort = freePort();
            Properties p = new Properties();
            p.setProperty("process.roles", "broker,controller");
            p.setProperty("node.id", "1");
            p.setProperty("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
            p.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
            p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
            p.setProperty("controller.listener.names", "CONTROLLER");
            p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
            p.setProperty("log.dirs", logDir.resolve("data").toString());
            p.setProperty("offsets.topic.replication.factor", "1");
            // one server and one agent: one partition of consumer offsets starts faster than Kafka's 50
            p.setProperty("offsets.topic.num.partitions", "1");
            p.setProperty("transaction.state.log.replication.factor", "1");
            p.setProperty("transaction.state.log.min.isr", "1");
            p.setProperty("group.initial.rebalance.delay.ms", "0");
            // as in docker-compose.yml: topics are made on purpose, with their partitions
            p.setProperty("auto.create.topics.enable", "false");
            Path config = logDir.resolve("server.properties");
            try (var out = Files.newOutputStream(config)) {
                p.store(out, "ScanFlow demo broker");
            }
            // StorageTool.execute, never main(): main exits the JVM
            StorageTool.execute(new String[] {"format", "-t", Uuid.randomUuid().toString(), "-c", config.toString()},
                    new PrintStream(new ByteArrayOutputStream()));
            KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(p, false), Time.SYSTEM);
            server.startup();
            return new EmbeddedKafka(logDir, server, port);
        } catch (IOException e) {
            throw new UncheckedIOException("starting the demo's Kafka broker", e);
        }
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** Creates the topics (name → partitions), replication factor 1 on this single broker. */
    public void createTopics(Map<String, Integer> partitions) throws Exception {
        Properties properties = new Properties();
        properties.setProperty("bootstrap.servers", bootstrapServers());
        try (Admin admin = Admin.create(properties)) {
            List<NewTopic> topics = new ArrayList<>();
            partitions.forEach((name, count) -> topics.add(new NewTopic(name, count, (short) 1)));
            admin.createTopics(topics).all().get(30, TimeUnit.SECONDS);
        }
    }

    /** Stops the broker and deletes its log; a second call does nothing. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        try {
            server.shutdown();
            server.awaitShutdown();
            try {
                WorkDirectories.deleteTree(logDir);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        } finally {
            closed = true;
            notifyAll();
        }
    }

    /** Waits until {@link #close()} has finished, at most {@code millis}; true when it has. */
    public synchronized boolean awaitClosed(long millis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        for (long left = millis; !closed && left > 0; left = deadline - System.currentTimeMillis()) {
            wait(left);
        }
        return closed;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
