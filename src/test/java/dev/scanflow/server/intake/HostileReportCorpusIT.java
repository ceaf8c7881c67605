package dev.scanflow.server.intake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scanflow.net.Cidr;
import dev.scanflow.testing.ServerUnderTest;
import dev.scanflow.testing.TableSnapshot;
import dev.scanflow.testing.TestPhpipam;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The corpus of hostile and broken reports (src/test/resources/hostile-reports, made by its make-corpus.py)
 * over real HTTP into the real server routes, with the agent's valid token so each body reaches the
 * reader and the authorization: none is accepted, none gets a 5xx, every refusal is the JSON error body,
 * and neither phpIPAM's tables nor ScanFlow's own change by a single row.
 */
class HostileReportCorpusIT {

    static final String CODE = "Corpus-agent-code-0123456789abcX";
    static final String OTHER_CODE = "Other-agent-code-0123456789abcdX";
    static final Path CORPUS = Path.of("src/test/resources/hostile-reports");
    private static final Map<String, String> CONTENT_TYPES = Map.of(
            "json", "application/json",
            "form", "application/x-www-form-urlencoded",
            "text", "text/plain",
            "utf16", "application/json; charset=utf-16",
            "xml", "application/xml");
    private static final Set<Integer> REFUSALS = Set.of(400, 403, 409, 413, 415);

    @Test
    void everyCaseIsRefusedWithoutA500AndNoRowChanges() throws Exception {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(CORPUS)) {
            files = walk.filter(f -> f.getFileName().toString().endsWith(".body")).sorted().toList();
        }
        assertTrue(files.size() >= 200, "the corpus holds " + files.size() + " cases, at least 200 are expected");
        ObjectMapper json = new ObjectMapper();
        try (TestPhpipam phpipam = TestPhpipam.create()) {
            long agent = phpipam.insertAgent("corpus-site", CODE);
            phpipam.insertAgent("other-site", OTHER_CODE);
            phpipam.insertSubnet(Cidr.parse("127.0.90.0/29"), agent, true, true);
            Properties extra = new Properties();
            extra.setProperty("scanflow.server.max-body-bytes", Integer.toString(256 * 1024));
            extra.setProperty("scanflow.server.auth-failure-limit", "3");
            try (ServerUnderTest server = ServerUnderTest.start(phpipam, Map.of(CODE, "corpus-token", OTHER_CODE, "other-token"), extra)) {
                TableSnapshot before = TableSnapshot.of(phpipam);
                HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
                List<String> wrong = new ArrayList<>();
                Map<Integer, Integer> byStatus = new TreeMap<>();
                for (Path file : files) {
                    String folder = file.getParent().getFileName().toString();
                    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port + "/api/v1/reports"))
                            .timeout(Duration.ofSeconds(30))
                            .header("Content-Type", CONTENT_TYPES.get(folder))
                            .header("Authorization", "Bearer corpus-token")
                            .POST(HttpRequest.BodyPublishers.ofByteArray(Files.readAllBytes(file))).build();
                    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                    byStatus.merge(response.statusCode(), 1, Integer::sum);
                    String name = folder + "/" + file.getFileName();
                    if (!REFUSALS.contains(response.statusCode())) {
                        wrong.add(name + " -> " + response.statusCode() + " " + response.body());
                        continue;
                    }
                    JsonNode body = json.readTree(response.body());
                    if (body.path("status").asInt() != response.statusCode() || body.path("message").asText().isBlank()) {
                        wrong.add(name + " -> no JSON error body: " + response.body());
                    }
                }
                assertEquals(List.of(), wrong, "statuses seen: " + byStatus);
                TableSnapshot.of(phpipam).assertUnchangedSince(before, files.size() + " hostile reports");
                // the corpus's refusals are no failed tokens: the agent still gets through afterwards
                assertEquals(false, byStatus.containsKey(429), "statuses seen: " + byStatus);
            }
        }
    }
}
