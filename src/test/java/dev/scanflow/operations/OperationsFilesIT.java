package dev.scanflow.operations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The operations files, checked by the tools that read them: {@code promtool check rules} and {@code check
 * config} (Debian's prometheus), {@code docker-compose config} (Debian's docker-compose 1.29, no engine
 * needed), and npm's dockerfile-utils lint for the Dockerfile. Missing tools skip a check here and fail it
 * under CI=true, where .ci/run installs them.
 */
class OperationsFilesIT {

    private static final Path HOME = Path.of(".").toAbsolutePath().normalize();
    private static final Path DOCKERFILE_LINT = HOME.resolve(".ci/node/node_modules/.bin/dockerfile-utils");

    private record Ran(int code, String output) {
    }

    private static Ran run(Map<String, String> environment, String... command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(HOME.toFile()).redirectErrorStream(true);
        builder.environment().putAll(environment);
        Process process = builder.start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), String.join(" ", command) + " did not end");
        return new Ran(process.exitValue(), output);
    }

    private static boolean tool(String name, boolean present) {
        if (!present) {
            assertFalse("true".equals(System.getenv("CI")), name + " is missing: .ci/run installs it");
        }
        assumeTrue(present, name + " is not installed");
        return true;
    }

    @Test
    void prometheusRulesAndConfigPassPromtool() throws Exception {
        tool("promtool", ObservedHealthIT.onPath("promtool"));
        try (Stream<Path> files = Files.list(HOME.resolve("config/prometheus/rules"))) {
            for (Path rules : files.filter(p -> p.toString().endsWith(".yml")).toList()) {
                Ran check = run(Map.of(), "promtool", "check", "rules", rules.toString());
                assertEquals(0, check.code(), check.output());
                assertTrue(check.output().contains("SUCCESS"), check.output());
            }
        }
        Ran config = run(Map.of(), "promtool", "check", "config", "--syntax-only", "config/prometheus/prometheus.yml");
        assertEquals(0, config.code(), config.output());
    }

    /** The rules' unit tests (config/prometheus/tests/): each alert fires on the series it is about, and only then. */
    @Test
    void prometheusRuleUnitTestsPass() throws Exception {
        tool("promtool", ObservedHealthIT.onPath("promtool"));
        List<Path> tests;
        try (Stream<Path> files = Files.list(HOME.resolve("config/prometheus/tests"))) {
            tests = files.filter(p -> p.toString().endsWith(".yml")).toList();
        }
        assertFalse(tests.isEmpty(), "rule tests in config/prometheus/tests");
        for (Path test : tests) {
            Ran run = run(Map.of(), "promtool", "test", "rules", test.toString());
            assertEquals(0, run.code(), run.output());
            assertTrue(run.output().contains("SUCCESS"), run.output());
        }
        String traffic = Files.readString(HOME.resolve("config/prometheus/rules/traffic.yml"));
        String tested = Files.readString(HOME.resolve("config/prometheus/tests/traffic-test.yml"));
        Matcher alert = Pattern.compile("- alert: (\\w+)").matcher(traffic);
        int alerts = 0;
        while (alert.find()) {
            alerts++;
            assertTrue(tested.contains("alertname: " + alert.group(1)), alert.group(1) + " has a unit test");
        }
        assertTrue(alerts >= 4, "traffic alerts: " + alerts);
    }

    @Test
    void theAlertingRulesCoverWhatOperatorsMustHear() throws IOException {
        String rules = Files.readString(HOME.resolve("config/prometheus/rules/scanflow.yml"));
        for (String alert : List.of("ScanflowAgentSilent", "ScanflowSubnetNotScanned", "ScanflowCriticalPortOpen",
                "ScanflowAgentBacklogGrowing")) {
            assertTrue(rules.contains("alert: " + alert), alert);
        }
    }

    @Test
    void composeFileIsValidForDockerCompose() throws Exception {
        tool("docker-compose", ObservedHealthIT.onPath("docker-compose"));
        Ran config = run(Map.of("SCANFLOW_AGENT_CODE", "Agent-compose-0123456789abcdefgh"),
                "docker-compose", "--env-file", ".env.example", "-f", "docker-compose.yml", "config");
        assertEquals(0, config.code(), config.output());
        String resolved = config.output();
        for (String service : List.of("mariadb:", "phpipam-web:", "kafka:", "scanflow-server:", "scanflow-agent:",
                "prometheus:", "grafana:")) {
            assertTrue(resolved.contains("  " + service), "service " + service);
        }
        assertTrue(resolved.contains("condition: service_healthy"), "depends_on waits for health");
        assertFalse(resolved.matches("(?s).*PASSWORD: [^\\n]*[0-9a-f]{16}.*"), "no password in the file");
        // MariaDB's buffer pool sized for phpIPAM and ScanFlow's schema, from .env
        assertTrue(resolved.contains("--innodb-buffer-pool-size=1G"), "the buffer pool from .env.example");
        // the production shape, profile kafka-cluster: three KRaft nodes in one quorum, topics replicated 3 times
        // with min.insync.replicas 2
        Ran cluster = run(Map.of("SCANFLOW_AGENT_CODE", "Agent-compose-0123456789abcdefgh"),
                "docker-compose", "--env-file", ".env.example", "-f", "docker-compose.yml", "--profile", "kafka-cluster", "config");
        assertEquals(0, cluster.code(), cluster.output());
        for (int node = 1; node <= 3; node++) {
            assertTrue(cluster.output().contains("  kafka-" + node + ":"), "service kafka-" + node);
            assertTrue(cluster.output().contains("KAFKA_ADVERTISED_LISTENERS: PLAINTEXT://kafka-" + node + ":9092"), "node " + node);
        }
        assertTrue(cluster.output().contains("KAFKA_CONTROLLER_QUORUM_VOTERS: 1@kafka-1:9093,2@kafka-2:9093,3@kafka-3:9093"));
        assertTrue(cluster.output().contains("KAFKA_MIN_INSYNC_REPLICAS: 2"), "min.insync.replicas 2");
        assertTrue(cluster.output().contains("--replication-factor 3 --config min.insync.replicas=2"), "the topics job");
        // without the agent's code, compose refuses with a sentence instead of starting an agent without one
        Ran withoutCode = run(Map.of(), "docker-compose", "-f", "docker-compose.yml", "config", "-q");
        assertTrue(withoutCode.code() != 0 && withoutCode.output().contains("SCANFLOW_AGENT_CODE"), withoutCode.output());
    }

    @Test
    void everyFileTheComposeFileMountsIsInTheRepository() throws IOException {
        String compose = Files.readString(HOME.resolve("docker-compose.yml"));
        Matcher mount = Pattern.compile("- (\\./[^:\\s]+):").matcher(compose);
        List<String> missing = new ArrayList<>();
        int mounts = 0;
        while (mount.find()) {
            mounts++;
            if (!Files.exists(HOME.resolve(mount.group(1)))) {
                missing.add(mount.group(1));
            }
        }
        assertTrue(mounts >= 5, "mounts found: " + mounts);
        assertEquals(List.of(), missing);
    }

    @Test
    void dockerfilePassesTheLinter() throws Exception {
        tool("dockerfile-utils (npm)", Files.isExecutable(DOCKERFILE_LINT));
        Ran lint = run(Map.of(), DOCKERFILE_LINT.toString(), "lint", "Dockerfile");
        assertEquals(0, lint.code(), lint.output());
        assertEquals("", lint.output().strip(), lint.output());
        String dockerfile = Files.readString(HOME.resolve("Dockerfile"));
        assertTrue(dockerfile.contains("AS build") && dockerfile.contains("AS server") && dockerfile.contains("AS agent"),
                "multi-stage: build, server, agent");
        assertTrue(dockerfile.contains("nmap=") && dockerfile.contains("masscan="), "nmap and masscan from Debian, pinned");
        assertTrue(Pattern.compile("FROM runtime AS server\\s+USER scanflow").matcher(dockerfile).find(), "server is not root");
    }

    @Test
    void grafanaProvisioningIsValidAndCoversTheStory() throws IOException {
        ObjectMapper json = new ObjectMapper();
        JsonNode dashboard = json.readTree(HOME.resolve("config/grafana/dashboards/scanflow.json").toFile());
        List<String> titles = new ArrayList<>();
        dashboard.path("panels").forEach(panel -> titles.add(panel.path("title").asText()));
        for (String row : List.of("Fleet", "Scans", "Changes", "Alerts", "Camel routes")) {
            assertTrue(titles.contains(row), "a row " + row + " in " + titles);
        }
        dashboard.path("panels").forEach(panel -> {
            if (!panel.path("type").asText().equals("row")) {
                assertEquals("scanflow-prometheus", panel.path("datasource").path("uid").asText(), panel.path("title").asText());
                assertTrue(panel.path("targets").size() > 0, "a query in " + panel.path("title").asText());
            }
        });
        String datasource = Files.readString(HOME.resolve("config/grafana/provisioning/datasources/prometheus.yml"));
        assertTrue(datasource.contains("uid: scanflow-prometheus"));
    }
}
