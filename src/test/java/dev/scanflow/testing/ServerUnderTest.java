package dev.scanflow.testing;

import dev.scanflow.config.AgentSettings;
import dev.scanflow.config.ServerSettings;
import dev.scanflow.config.SettingsSource;
import dev.scanflow.launch.AgentRole;
import dev.scanflow.launch.CamelApp;
import dev.scanflow.launch.ServerRole;
import dev.scanflow.server.intake.AgentTokens;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;

/** The real server routes (and optionally the real agent routes) on camel-main, on a free loopback port. */
public final class ServerUnderTest implements AutoCloseable {

    public static final Path HOME = Path.of(".").toAbsolutePath().normalize();

    private final CamelApp app;
    public final int port;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private ServerUnderTest(CamelApp app, int port) {
        this.app = app;
        this.port = port;
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static ServerUnderTest start(TestPhpipam phpipam, Map<String, String> tokenByAgentCode, Properties extra) {
        return start(phpipam, tokenByAgentCode, extra, null);
    }

    /** With the agent tokens given as they are (a tokens file, say), not made from plain tokens. */
    public static ServerUnderTest start(TestPhpipam phpipam, AgentTokens tokens, Properties extra) {
        return start(phpipam, tokens, extra, null);
    }

    public static ServerUnderTest start(TestPhpipam phpipam, Map<String, String> tokenByAgentCode, Properties extra,
                                        Properties agent) {
        return start(phpipam, AgentTokens.ofPlainTokens(tokenByAgentCode), extra, agent, dev.scanflow.server.store.StepHook.NONE);
    }

    /** With the agent tokens given as they are, and the agent routes (when {@code agent} is set) in the same context. */
    private static ServerUnderTest start(TestPhpipam phpipam, AgentTokens tokens, Properties extra, Properties agent) {
        return start(phpipam, tokens, extra, agent, dev.scanflow.server.store.StepHook.NONE);
    }

    /** With {@code steps}, a hook told after each step of the apply path (it may throw: a crash there). */
    public static ServerUnderTest start(TestPhpipam phpipam, Map<String, String> tokenByAgentCode, Properties extra,
                                        Properties agent, dev.scanflow.server.store.StepHook steps) {
        return start(phpipam, AgentTokens.ofPlainTokens(tokenByAgentCode), extra, agent, steps);
    }

    private static ServerUnderTest start(TestPhpipam phpipam, AgentTokens tokens, Properties extra,
                                         Properties agent, dev.scanflow.server.store.StepHook steps) {
        int port = freePort();
        Properties properties = phpipam.serverProperties();
        properties.setProperty("scanflow.server.host", "127.0.0.1");
        properties.setProperty("scanflow.server.port", Integer.toString(port));
        // The operator rate limit (20 per second, burst 100) is RolesIT's subject; other tests send bursts of
        // requests whose pace depends on the machine, and a fast machine ran OperatorApiIT into a 429.
        properties.setProperty("scanflow.server.rate-limit-per-second", "100000");
        properties.setProperty("scanflow.server.rate-limit-burst", "1000000");
        properties.putAll(extra);
        CamelApp app = new CamelApp();
        ServerRole.configure(app, ServerSettings.from(SettingsSource.of(properties), HOME),
                tokens, HOME, steps);
        if (agent != null) {
            Properties agentProperties = new Properties();
            agentProperties.putAll(agent);
            agentProperties.setProperty("scanflow.agent.server-url", "http://127.0.0.1:" + port);
            if (!agentProperties.containsKey("scanflow.agent.spool.dir")) {
                // every agent under test its own spool: no report of another test is ever sent here
                try {
                    agentProperties.setProperty("scanflow.agent.spool.dir",
                            java.nio.file.Files.createTempDirectory("scanflow-spool-").toString());
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }
            AgentRole.configure(app, AgentSettings.from(SettingsSource.of(agentProperties)), HOME);
        }
        try {
            app.start();
        } catch (Exception e) {
            try {
                app.close();
            } catch (Exception ignored) {
                // reporting the start failure matters more
            }
            throw new IllegalStateException("server did not start", e);
        }
        return new ServerUnderTest(app, port);
    }

    public CamelApp app() {
        return app;
    }

    public record Reply(int status, String body) {
    }

    public Reply post(String path, byte[] body, String authorization) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return send(request.build());
    }

    public Reply get(String path) {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30)).GET().build());
    }

    private Reply send(HttpRequest request) {
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), response.body());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws Exception {
        app.close();
    }
}
