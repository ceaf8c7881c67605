package dev.scanflow.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scanflow.net.Cidr;
import dev.scanflow.report.ReportJson;
import dev.scanflow.report.ScanReport;
import dev.scanflow.report.ScannedHost;
import dev.scanflow.testing.KafkaBroker;
import dev.scanflow.testing.ServerUnderTest;
import dev.scanflow.testing.TestPhpipam;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A burst of 2,000 reports (/24 each, 20 hosts up) applied by the server, measured side by side in one run
 * (bench/transport runs it; the figures go into the README):
 * <ol>
 *   <li>HTTP, one server, one sender (an agent sends one report at a time);</li>
 *   <li>Kafka, one server, one consumer;</li>
 *   <li>Kafka, two servers in one consumer group, one consumer each.</li>
 * </ol>
 * Each run on a fresh phpIPAM schema with 100 subnets (20 reports each, in order per subnet) and a fresh
 * 12-partition topic; timed from the first report sent until the last one is recorded as applied.
 * BENCH_KAFKA_CONSUMERS=N in the environment gives each Kafka server N consumer threads (scanflow.kafka.consumers,
 * default 1), to see whether more consumers per server lift the two-server figure.
 */
public final class TransportBench {

    private static final String CODE = "Bench-agent-code-0123456789abcdK";
    private static final String TOKEN = "bench-kafka-token";
    private static final int SUBNETS = 100;
    private static final int PER_SUBNET = 20;
    private static final int HOSTS = 20;
    private static final ObjectMapper JSON = ReportJson.mapper();
    private static final int CONSUMERS = Integer.parseInt(System.getenv().getOrDefault("BENCH_KAFKA_CONSUMERS", "1"));

    public static void main(String[] args) throws Exception {
        System.out.printf("machine: %d cores, %d MiB max heap, %s %s, Java %s%n", Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() >> 20, System.getProperty("os.name"), System.getProperty("os.version"),
                System.getProperty("java.version"));
        System.out.printf("Kafka servers with %d consumer thread(s) each (BENCH_KAFKA_CONSUMERS)%n", CONSUMERS);
        int total = SUBNETS * PER_SUBNET;
        try (KafkaBroker broker = KafkaBroker.start()) {
            double http = http();
            System.out.printf("HTTP, 1 server: %.1f s%n", http);
            double kafkaOne = kafka(broker, "bench-one", 1);
            System.out.printf("Kafka, 1 server: %.1f s%n", kafkaOne);
            double kafkaTwo = kafka(broker, "bench-two", 2);
            System.out.printf("burst of %d reports (/24, %d hosts up each):%n", total, HOSTS);
            System.out.printf("  HTTP,  1 server : %6.1f s  %7.1f reports/s  %5.2f ms/report%n", http, total / http, http * 1000 / total);
            System.out.printf("  Kafka, 1 server : %6.1f s  %7.1f reports/s  %5.2f ms/report  (%.2f x HTTP per report)%n",
                    kafkaOne, total / kafkaOne, kafkaOne * 1000 / total, kafkaOne / http);
            System.out.printf("  Kafka, 2 servers: %6.1f s  %7.1f reports/s  %5.2f ms/report  (%.2f x one server's throughput)%n",
                    kafkaTwo, total / kafkaTwo, kafkaTwo * 1000 / total, kafkaOne / kafkaTwo);
        }
        System.exit(0);
    }

    private static List<byte[]> burst(TestPhpipam phpipam, String thirdOctetBase) throws Exception {
        long agent = phpipam.insertAgent("bench-site", CODE);
        List<Cidr> subnets = new ArrayList<>();
        for (int s = 0; s < SUBNETS; s++) {
            Cidr subnet = Cidr.parse("10." + thirdOctetBase + "." + s + ".0/24");
            subnets.add(subnet);
            phpipam.insertSubnet(subnet, agent, true, true);
        }
        List<byte[]> reports = new ArrayList<>();
        Instant start = Instant.now().minus(Duration.ofHours(1));
        for (int n = 0; n < PER_SUBNET; n++) {
            for (Cidr subnet : subnets) {
                String prefix = subnet.toString().substring(0, subnet.toString().lastIndexOf('.') + 1);
                List<ScannedHost> hosts = new ArrayList<>();
                for (int h = 1; h <= HOSTS; h++) {
                    hosts.add(new ScannedHost(prefix + h, "up", null, null, List.of()));
                }
                Instant at = start.plusSeconds(n * 60L);
                reports.add(JSON.writeValueAsBytes(new ScanReport(1, UUID.randomUUID(), CODE, subnet.toString(), at,
                        at.plusSeconds(2), List.of("nmap", "-sn", "-n", "-oX", "-", subnet.toString()), hosts)));
            }
        }
        return reports;
    }

    private static double http() throws Exception {
        try (TestPhpipam phpipam = TestPhpipam.create()) {
            List<byte[]> reports = burst(phpipam, "41");
            try (ServerUnderTest server = ServerUnderTest.start(phpipam, Map.of(CODE, TOKEN), new Properties())) {
                long began = System.nanoTime();
                for (byte[] report : reports) {
                    int status = server.post("/api/v1/reports", report, "Bearer " + TOKEN).status();
                    if (status != 202) {
                        throw new IllegalStateException("HTTP " + status);
                    }
                }
                return (System.nanoTime() - began) / 1e9;
            }
        }
    }

    private static double kafka(KafkaBroker broker, String topic, int servers) throws Exception {
        try (TestPhpipam phpipam = TestPhpipam.create()) {
            List<byte[]> reports = burst(phpipam, servers == 1 ? "42" : "43");
            Properties admin = new Properties();
            admin.setProperty("bootstrap.servers", broker.bootstrapServers());
            try (Admin client = Admin.create(admin)) {
                client.createTopics(List.of(new NewTopic(topic, 12, (short) 1))).all().get();
            }
            Properties kafka = new Properties();
            kafka.setProperty("scanflow.kafka.brokers", broker.bootstrapServers());
            kafka.setProperty("scanflow.kafka.reports-topic", topic);
            kafka.setProperty("scanflow.kafka.group-id", topic + "-servers");
            kafka.setProperty("scanflow.kafka.consumers", Integer.toString(CONSUMERS));
            List<ServerUnderTest> started = new ArrayList<>();
            try {
                for (int i = 0; i < servers; i++) {
                    started.add(ServerUnderTest.start(phpipam, Map.of(CODE, TOKEN), kafka));
                }
                awaitMembers(broker, topic + "-servers", servers * CONSUMERS);
                long began = System.nanoTime();
                Properties producerProperties = new Properties();
                producerProperties.setProperty("bootstrap.servers", broker.bootstrapServers());
                producerProperties.setProperty("acks", "all");
                try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerProperties, new StringSerializer(),
                        new ByteArraySerializer())) {
                    for (byte[] report : reports) {
                        String subnet = JSON.readTree(report).get("subnet").asText();
                        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, "bench-site/" + subnet, report);
                        record.headers().add("Authorization", ("Bearer " + TOKEN).getBytes(StandardCharsets.UTF_8));
                        producer.send(record);
                    }
                    producer.flush();
                }
                phpipam.awaitReports(reports.size(), Duration.ofMinutes(10));
                return (System.nanoTime() - began) / 1e9;
            } finally {
                for (ServerUnderTest server : started) {
                    server.close();
                }
            }
        }
    }

    /** Until the group has its members with partitions assigned, so the burst is not timed against a rebalance. */
    private static void awaitMembers(KafkaBroker broker, String group, int members) throws Exception {
        Properties properties = new Properties();
        properties.setProperty("bootstrap.servers", broker.bootstrapServers());
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        try (Admin admin = Admin.create(properties)) {
            while (System.nanoTime() < deadline) {
                var description = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
                long assigned = description.members().stream().filter(m -> !m.assignment().topicPartitions().isEmpty()).count();
                if (assigned == members && description.state().toString().equalsIgnoreCase("STABLE")) {
                    return;
                }
                Thread.sleep(200);
            }
        }
        throw new IllegalStateException("consumer group " + group + " did not get " + members + " members");
    }
}
