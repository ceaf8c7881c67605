package dev.scanflow.server.monitoring;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scanflow.testing.ServerUnderTest;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Prometheus or Alertmanager (Debian's packages) started on a free loopback port with a config and a
 * data directory of the test's own, stopped by {@link #close()}. Missing binaries skip the test, except under
 * CI=true (.ci/run installs them).
 */
final class PrometheusProcess implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    final int port;
    final Path log;
    private final Process process;

    private PrometheusProcess(int port, Path log, Process process) {
        this.port = port;
        this.log = log;
        this.process = process;
    }

    static void requireInstalled(String binary) {
        boolean present = Files.isExecutable(Path.of(binary));
        assertFalse(!present && "true".equals(System.getenv("CI")), binary + " is missing: .ci/run installs it");
        assumeTrue(present, binary + " is not installed");
    }

    /** prometheus --config.file ... on 127.0.0.1:free port. */
    static PrometheusProcess prometheus(Path directory, String config) throws IOException, InterruptedException {
        requireInstalled("/usr/bin/prometheus");
        Path file = Files.writeString(directory.resolve("prometheus.yml"), config);
        int port = ServerUnderTest.freePort();
        return start(directory, port, "prometheus", List.of("/usr/bin/prometheus", "--config.file=" + file,
                "--storage.tsdb.path=" + Files.createDirectories(directory.resolve("tsdb")),
                "--web.listen-address=127.0.0.1:" + port, "--log.level=info"));
    }

    /** prometheus-alertmanager on 127.0.0.1:free port, its clustering off (it would bind 0.0.0.0:9094). */
    static PrometheusProcess alertmanager(Path directory, String config) throws IOException, InterruptedException {
        requireInstalled("/usr/bin/prometheus-alertmanager");
        Path file = Files.writeString(directory.resolve("alertmanager.yml"), config);
        int port = ServerUnderTest.freePort();
        return start(directory, port, "alertmanager", List.of("/usr/bin/prometheus-alertmanager", "--config.file=" + file,
                "--storage.path=" + Files.createDirectories(directory.resolve("data")),
                "--web.listen-address=127.0.0.1:" + port, "--cluster.listen-address=", "--log.level=info"));
    }

    private static PrometheusProcess start(Path directory, int port, String name, List<String> command)
            throws IOException, InterruptedException {
        Path log = directory.resolve(name + ".log");
        Process process = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        PrometheusProcess started = new PrometheusProcess(port, log, process);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError(name + " exited " + process.exitValue() + ":\n" + Files.readString(log));
            }
            try {
                if (started.get("/-/ready").statusCode() == 200) {
                    return started;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        started.close();
        throw new AssertionError(name + " not ready within 60 s:\n" + Files.readString(log));
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    JsonNode json(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = get(path);
        if (response.statusCode() != 200) {
            throw new AssertionError(path + ": HTTP " + response.statusCode() + " " + response.body());
        }
        return JSON.readTree(response.body());
    }

    String logText() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
