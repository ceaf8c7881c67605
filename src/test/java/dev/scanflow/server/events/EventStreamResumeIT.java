package dev.scanflow.server.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scanflow.testing.ServerUnderTest;
import dev.scanflow.testing.TestPhpipam;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * SSE done right over real HTTP: ids on every event, a retry hint, keep-alive comments, and a reconnect with
 * Last-Event-ID that gets exactly the events published while away, while more are being published, none
 * missed, none doubled, in order.
 */
class EventStreamResumeIT {

    private static final String API_TOKEN = "operator-token-for-stream-tests";
    private static final ObjectMapper JSON = new ObjectMapper();

    record Frame(long id, String type) {
    }

    @Test
    void aReconnectWithLastEventIdMissesNothingAndDoublesNothing() throws Exception {
        try (TestPhpipam phpipam = TestPhpipam.create()) {
            Properties extra = new Properties();
            extra.setProperty("scanflow.server.api-token", API_TOKEN);
            extra.setProperty("scanflow.events.keep-alive", "1s");
            extra.setProperty("scanflow.events.retry", "5s");
            try (ServerUnderTest server = ServerUnderTest.start(phpipam, Map.of(), extra)) {
                HttpClient http = HttpClient.newHttpClient();
                BufferedReader first = open(http, server, null);
                assertEquals(": connected", first.readLine());
                assertEquals("", first.readLine());
                assertEquals("retry: 5000", first.readLine(), "the stream tells clients how long to wait before reconnecting");

                publish(server, 0, 3);
                List<Frame> seen = new ArrayList<>();
                while (seen.size() < 3) {
                    Frame frame = next(first, false);
                    seen.add(frame);
                }
                assertEquals(List.of("E0", "E1", "E2"), seen.stream().map(Frame::type).toList());
                assertTrue(seen.get(0).id() < seen.get(1).id() && seen.get(1).id() < seen.get(2).id(), "ids rise: " + seen);
                first.close();

                // away: events happen while no client listens
                publish(server, 3, 20);
                // reconnect while events keep coming, from another thread
                AtomicBoolean stop = new AtomicBoolean();
                Thread producer = new Thread(() -> {
                    for (int i = 20; i < 60 && !stop.get(); i++) {
                        publish(server, i, i + 1);
                    }
                });
                producer.start();
                BufferedReader second = open(http, server, Long.toString(seen.get(2).id()));
                List<Frame> resumed = new ArrayList<>();
                producer.join();
                while (resumed.size() < 57) {
                    resumed.add(next(second, false));
                }
                List<String> expected = new ArrayList<>();
                for (int i = 3; i < 60; i++) {
                    expected.add("E" + i);
                }
                assertEquals(expected, resumed.stream().map(Frame::type).toList(), "exactly the missed and the new events, in order");
                for (int i = 1; i < resumed.size(); i++) {
                    assertTrue(resumed.get(i).id() > resumed.get(i - 1).id(), "ids rise: " + resumed);
                }
                // idle: a keep-alive comment arrives though no event does
                assertTrue(next(second, true) == null, "a keep-alive comment on an idle stream");
                second.close();

                HttpResponse<Void> bad = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port + "/api/v1/events"))
                        .header("Authorization", "Bearer " + API_TOKEN).header("Last-Event-ID", "yesterday").GET().build(),
                        HttpResponse.BodyHandlers.discarding());
                assertEquals(400, bad.statusCode());
            }
        }
    }

    private static BufferedReader open(HttpClient http, ServerUnderTest server, String lastEventId) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port + "/api/v1/events"))
                .header("Authorization", "Bearer " + API_TOKEN).GET();
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        HttpResponse<InputStream> stream = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, stream.statusCode());
        return new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8));
    }

    private static void publish(ServerUnderTest server, int from, int to) {
        List<ScanflowEvent> events = new ArrayList<>();
        for (int i = from; i < to; i++) {
            events.add(new ScanflowEvent(UUID.randomUUID(), "change", "E" + i, Instant.parse("2026-11-20T10:00:00Z"),
                    "site-a", 7, "198.18.0.0/24", "198.18.0." + (i % 250 + 1), UUID.randomUUID(), Map.of("n", i)));
        }
        // the publishing route itself (routes/event-publishing.yaml), waiting until the stream has them
        server.app().context().createProducerTemplate().sendBody("seda:publish-events?waitForTaskToComplete=Always", events);
    }

    /** The next event frame; with {@code commentWanted}, null once a keep-alive comment arrives first. */
    private static Frame next(BufferedReader sse, boolean commentWanted) throws Exception {
        long id = -1;
        for (String line = sse.readLine(); line != null; line = sse.readLine()) {
            if (line.startsWith(": keep-alive")) {
                if (commentWanted) {
                    return null;
                }
            } else if (line.startsWith("id: ")) {
                id = Long.parseLong(line.substring(4));
            } else if (line.startsWith("data: ")) {
                assertTrue(id > 0, "every event has an id");
                return new Frame(id, JSON.readTree(line.substring(6)).get("type").asText());
            }
        }
        throw new AssertionError("stream ended");
    }
}
