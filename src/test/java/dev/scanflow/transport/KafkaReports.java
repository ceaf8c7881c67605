package dev.scanflow.transport;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scanflow.net.Cidr;
import dev.scanflow.report.ReportJson;
import dev.scanflow.report.ScanReport;
import dev.scanflow.report.ScannedHost;
import dev.scanflow.testing.KafkaBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Reports and plain Kafka clients for the Kafka transport tests (the test's own clients, not ScanFlow's). */
final class KafkaReports {

    static final ObjectMapper JSON = ReportJson.mapper();

    private KafkaReports() {
    }

    /** A discovery report whose scan started {@code minutesAgo} minutes ago. */
    static byte[] report(UUID id, String agentCode, Cidr subnet, int minutesAgo, List<String> upAddresses) throws Exception {
        Instant start = Instant.now().minus(Duration.ofMinutes(minutesAgo));
        List<ScannedHost> hosts = upAddresses.stream().map(a -> new ScannedHost(a, "up", null, null, List.of())).toList();
        return JSON.writeValueAsBytes(new ScanReport(1, id, agentCode, subnet.toString(), start, start.plusSeconds(2),
                List.of("nmap", "-sn", "-n", "-oX", "-", subnet.toString()), hosts));
    }

    static void createTopics(KafkaBroker broker, Map<String, Integer> partitions) throws Exception {
        Properties properties = broker.clientProperties();
        try (Admin admin = Admin.create(properties)) {
            Collection<NewTopic> topics = new ArrayList<>();
            partitions.forEach((name, count) -> topics.add(new NewTopic(name, count, (short) 1)));
            admin.createTopics(topics).all().get();
        }
    }

    static KafkaProducer<String, byte[]> producer(KafkaBroker broker) {
        Properties properties = broker.clientProperties();
        properties.setProperty("acks", "all");
        return new KafkaProducer<>(properties, new StringSerializer(), new ByteArraySerializer());
    }

    static ProducerRecord<String, byte[]> record(String topic, String key, byte[] body, String authorization) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, key, body);
        if (authorization != null) {
            record.headers().add("Authorization", authorization.getBytes(StandardCharsets.UTF_8));
        }
        return record;
    }

    /** Every record of a topic from its start, read until {@code count} arrived or the time is up. */
    static List<ConsumerRecord<String, byte[]>> readAll(KafkaBroker broker, String topic, int count, Duration timeout) {
        Properties properties = broker.clientProperties();
        properties.setProperty("group.id", "test-reader-" + UUID.randomUUID());
        properties.setProperty("auto.offset.reset", "earliest");
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(properties, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (records.size() < count && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            // anything more than expected shows too
            consumer.poll(Duration.ofMillis(500)).forEach(records::add);
        }
        return records;
    }

    static String header(ConsumerRecord<?, ?> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
