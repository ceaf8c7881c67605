package dev.scanflow.launch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scanflow.config.InvalidSettings;
import dev.scanflow.config.Secrets;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/**
 * The command line's one way to call a running server's operator API ({@code scanflow vm}, {@code scanflow fleet}):
 * the operator token from {@code SCANFLOW_SERVER_API_TOKEN} or the owner-only file named by
 * {@code SCANFLOW_SERVER_API_TOKEN_FILE} (never an argument or a {@code -D} option: a command line is visible to
 * every local user), sent as a bearer token to the {@code --server} URL, which must be {@code https://} unless it
 * is this machine. A problem the operator fixes (no token, a bad URL) is an {@link InvalidSettings}; a server that
 * does not answer is an {@link Unreachable}; every answer, whatever its status, is returned to the caller.
 */
final class OperatorApiClient {

    static final String DEFAULT_SERVER = "http://127.0.0.1:8080";
    static final String TOKEN_KEY = "scanflow.server.api-token";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI server;
    private final String token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private OperatorApiClient(URI server, String token) {
        this.server = server;
        this.token = token;
    }

    /** A client for {@code serverUrl}, with the operator token found in {@code environment}. */
    static OperatorApiClient of(String serverUrl, Map<String, String> environment) {
        URI server = serverUri(serverUrl);
        String token = Secrets.fromEnvironment(TOKEN_KEY, environment);
        if (token == null) {
            throw new InvalidSettings("set SCANFLOW_SERVER_API_TOKEN, or SCANFLOW_SERVER_API_TOKEN_FILE (a file only its"
                    + " owner can read), to the server's operator token");
        }
        return new OperatorApiClient(server, token);
    }

    String server() {
        return server.toString();
    }

    /** The server's answer: its status and its JSON body (a JSON null when the body is empty or not JSON). */
    record Answer(int status, JsonNode body, String text) {
        boolean ok() {
            return status >= 200 && status < 300;
        }

        /** The API's error sentence ({@code {"message": ...}}), or the body's first line. */
        String message() {
            String message = body.path("message").asText("");
            if (message.isBlank()) {
                message = text.isBlank() ? "(no body)" : text.strip().lines().findFirst().orElse("");
            }
            return message.length() > 300 ? message.substring(0, 300) + "..." : message;
        }
    }

    /** No answer: the connection was refused, timed out, or TLS failed. */
    static final class Unreachable extends Exception {
        Unreachable(String message) {
            super(message);
        }
    }

    Answer get(String path) throws Unreachable {
        return send(request(path, Duration.ofSeconds(30)).GET());
    }

    /** A POST of a JSON body, with any extra headers (an Idempotency-Key, say). */
    Answer post(String path, String json, Duration timeout, Map<String, String> headers) throws Unreachable {
        HttpRequest.Builder request = request(path, timeout).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        headers.forEach(request::header);
        return send(request);
    }

    private HttpRequest.Builder request(String path, Duration timeout) {
        return HttpRequest.newBuilder(server.resolve(path)).timeout(timeout).header("Authorization", "Bearer " + token);
    }

    private Answer send(HttpRequest.Builder request) throws Unreachable {
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), parse(response.body()), response.body());
        } catch (java.net.ConnectException e) {
            throw new Unreachable(server + " did not answer: connection refused");
        } catch (java.net.http.HttpTimeoutException e) {
            throw new Unreachable(server + " did not answer: " + e.getMessage());
        } catch (IOException e) {
            throw new Unreachable(server + " did not answer: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unreachable("interrupted while waiting for " + server);
        }
    }

    private static JsonNode parse(String body) {
        try {
            JsonNode node = body == null || body.isBlank() ? null : JSON.readTree(body);
            return node == null ? JSON.nullNode() : node;
        } catch (JsonProcessingException e) {
            return JSON.nullNode();
        }
    }

    private static URI serverUri(String url) {
        URI uri;
        try {
            uri = URI.create(url.replaceAll("/+$", "") + "/");
        } catch (IllegalArgumentException e) {
            throw new InvalidSettings("--server: an http(s)://host[:port] URL, got " + url);
        }
        if (uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
                || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new InvalidSettings("--server: an http(s)://host[:port] URL, got " + url);
        }
        if ("http".equals(uri.getScheme()) && !loopback(uri.getHost())) {
            // the operator token would cross the network in clear text
            throw new InvalidSettings("--server: use https:// for " + uri.getHost() + "; http:// only reaches this machine");
        }
        return uri;
    }

    private static boolean loopback(String host) {
        if ("localhost".equalsIgnoreCase(host)) {
            return true;
        }
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (!bare.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}") && !bare.contains(":")) {
            return false;  // a name: no look-up here, it may resolve anywhere
        }
        try {
            return InetAddress.getByName(bare).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
