package dev.scanflow.agent.fleet;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import javax.net.ssl.SSLContext;

/**
 * The agent's small calls to the server's fleet and job endpoints (heartbeat, ask for work, claim, progress,
 * finish), with its own token and, over https, the same trust as report delivery. The agent always calls out:
 * it works behind NAT. Every call has a timeout.
 */
public class ServerCalls {

    /** One answer: status and body. */
    public record Answer(int status, String body) {
    }

    private final URI server;
    private final String authorization;
    private final HttpClient http;

    public ServerCalls(URI server, String token, SSLContext tls) {
        String base = server.toString();
        this.server = URI.create(base.endsWith("/") ? base.substring(0, base.length() - 1) : base);
        this.authorization = "Bearer " + token;
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10));
        if (tls != null) {
            builder.sslContext(tls);
        }
        this.http = builder.build();
    }

    public Answer get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(server.resolve(server.getPath() + path)).GET());
    }

    public Answer post(String path, String json) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(server.resolve(server.getPath() + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8)));
    }

    private Answer send(HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request.header("Authorization", authorization)
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), response.body());
    }
}
