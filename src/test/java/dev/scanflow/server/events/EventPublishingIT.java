package dev.scanflow.server.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.scanflow.testing.KafkaBroker;
import dev.scanflow.testing.ServerUnderTest;
import dev.scanflow.testing.TestPhpipam;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

/**
 * One event, three real endpoints chosen in config: the server's SSE stream over real HTTP, a webhook
 * (a real HTTP server), a topic on a real in-process Kafka broker; plus a dead webhook that must not stop them.
 */
class EventPublishingIT {

    private static final String API_TOKEN = "operator-token-for-tests";

    @Test
    void everyEventReachesTheStreamTheWebhookAndKafkaEvenWhenAnotherEndpointIsDown() throws Exception {
        BlockingQueue<String> webhook = new LinkedBlockingQueue<>();
        HttpServer hook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        hook.createContext("/hook", exchange -> {
            webhook.add(exchange.getRequestMethod() + " " + exchange.getRequestHeaders().getFirst("Content-Type") + " "
                    + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        hook.start();
        int deadPort = ServerUnderTest.freePort();
        try (KafkaBroker kafka = KafkaBroker.start(); TestPhpipam phpipam = TestPhpipam.create()) {
            Properties extra = new Properties();
            extra.setProperty("scanflow.server.api-token", API_TOKEN);
            extra.setProperty("scanflow.events.endpoints", String.join(",",
                    "http://127.0.0.1:" + deadPort + "/nobody-listens",
                    "bean:eventStream?method=publish",
                    "http://127.0.0.1:" + hook.getAddress().getPort() + "/hook",
                    "kafka:scanflow-events?brokers=" + kafka.bootstrapServers()));
            try (ServerUnderTest server = ServerUnderTest.start(phpipam, Map.of(), extra);
                 KafkaConsumer<String, String> consumer = consumer(kafka)) {
                HttpClient http = HttpClient.newHttpClient();
                assertEquals(401, http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port + "/api/v1/events"))
                        .GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode(), "the stream needs the operator token");
                HttpResponse<java.io.InputStream> stream = http.send(HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + server.port + "/api/v1/events"))
                        .header("Authorization", "Bearer " + API_TOKEN).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
                assertEquals(200, stream.statusCode());
                assertEquals("text/event-stream", stream.headers().firstValue("Content-Type").orElseThrow());
                BufferedReader sse = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8));
                assertEquals(": connected", sse.readLine());

                ScanflowEvent event = new ScanflowEvent(UUID.randomUUID(), "change", "PORT_OPENED",
                        Instant.parse("2026-11-20T10:00:00Z"), "site-a", 7, "198.18.0.0/24", "198.18.0.11",
                        UUID.randomUUID(), Map.of("port", 23, "protocol", "tcp"));
                server.app().context().createProducerTemplate().sendBody("seda:publish-events", List.of(event));

                ObjectMapper json = new ObjectMapper();
                String dataLine = null;
                for (String line = sse.readLine(); line != null; line = sse.readLine()) {
                    if (line.startsWith("data: ")) {
                        dataLine = line.substring(6);
                        break;
                    }
                }
                assertSameEvent(event, json.readTree(dataLine));

                String posted = webhook.poll(20, TimeUnit.SECONDS);
                assertTrue(posted != null && posted.startsWith("POST application/json "), String.valueOf(posted));
                assertSameEvent(event, json.readTree(posted.substring("POST application/json ".length())));

                ConsumerRecord<String, String> record = poll(consumer, Duration.ofSeconds(30));
                assertEquals("site-a/7", record.key(), "keyed by site and subnet, so a subnet's events stay in order");
                assertSameEvent(event, json.readTree(record.value()));
            }
        } finally {
            hook.stop(0);
        }
    }

    private static void assertSameEvent(ScanflowEvent event, JsonNode json) {
        assertEquals(event.eventId().toString(), json.get("eventId").asText());
        assertEquals("PORT_OPENED", json.get("type").asText());
        assertEquals("198.18.0.11", json.get("address").asText());
        assertEquals("2026-11-20T10:00:00Z", json.get("time").asText());
        assertEquals(23, json.get("detail").get("port").asInt());
    }

    private static KafkaConsumer<String, String> consumer(KafkaBroker kafka) {
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", kafka.bootstrapServers());
        p.setProperty("group.id", "scanflow-test");
        p.setProperty("auto.offset.reset", "earliest");
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
        consumer.subscribe(List.of("scanflow-events"));
        return consumer;
    }

    private static ConsumerRecord<String, String> poll(KafkaConsumer<String, String> consumer, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        while (records.isEmpty() && Instant.now().isBefore(deadline)) {
            consumer.poll(Duration.ofMillis(500)).forEach(records::add);
        }
        assertTrue(!records.isEmpty(), "no record on the topic within " + timeout);
        return records.get(0);
    }
}
