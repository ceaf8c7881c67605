package dev.scanflow.launch;

import dev.scanflow.config.AgentSettings;
import dev.scanflow.config.ServerSettings;
import dev.scanflow.config.SettingsSource;
import dev.scanflow.demo.DemoSite;
import dev.scanflow.demo.EmbeddedMariaDb;
import dev.scanflow.demo.PhpipamSchema;
import dev.scanflow.demo.PhpipamView;
import dev.scanflow.net.AddressRule;
import dev.scanflow.net.Cidr;
import dev.scanflow.server.intake.AgentTokens;
import dev.scanflow.server.phpipam.ServerGrants;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.commons.dbcp2.BasicDataSource;

/**
 * Server and agent in one process on an embedded MariaDB holding a phpIPAM schema: a scan agent with a
 * fresh code, a loopback subnet assigned to it, one address already known. The agent scans at once and
 * then on its schedule; each report's effect on phpIPAM is printed.
 */
final class Demo {

    private Demo() {
    }

    /** The demo's site name over Kafka: record keys "demo/<subnet>", work topic scanflow.work.demo. */
    private static final String KAFKA_SITE = "demo";

    static int run(String subnetText, String port, String schedule, String host, boolean kafka, Path home) throws Exception {
        Cidr subnet;
        try {
            subnet = AddressRule.requireLoopback(Cidr.parse(subnetText));
        } catch (IllegalArgumentException e) {
            throw new dev.scanflow.config.InvalidSettings("--subnet: " + e.getMessage());
        }
        // the demo's agent reports over plain HTTP, which only goes to this machine
        String local = switch (host) {
            case "127.0.0.1", "0.0.0.0" -> "127.0.0.1";
            case "::1", "::" -> "[::1]";
            default -> throw new dev.scanflow.config.InvalidSettings("--host must be 127.0.0.1 (the default), ::1, 0.0.0.0 or ::");
        };
        Scanners.requireInstalled("nmap", null, "");

        System.out.println("ScanFlow demo: starting an embedded MariaDB with a phpIPAM 1.8.2 schema...");
        EmbeddedMariaDb mariaDb = EmbeddedMariaDb.start();
        Runtime.getRuntime().addShutdownHook(new Thread(mariaDb::close, "embedded-mariadb-stop"));

        mariaDb.execute("CREATE DATABASE phpipam", "CREATE DATABASE scanflow");
        DemoSite site;
        try (BasicDataSource admin = new BasicDataSource()) {
            admin.setUrl(mariaDb.url("phpipam"));
            admin.setUsername(mariaDb.adminUser());
            admin.setPassword(mariaDb.adminPassword());
            PhpipamSchema.load(admin);
            site = DemoSite.seed(admin, subnet);
            site.addKnownAddress(admin, subnet.network().value().add(BigInteger.ONE));
        }
        String dbPassword = AgentTokens.newToken();
        mariaDb.execute("CREATE USER 'scanflow'@'" + EmbeddedMariaDb.LOOPBACK + "' IDENTIFIED BY '" + dbPassword + "'");
        mariaDb.execute(ServerGrants.statements("scanflow", EmbeddedMariaDb.LOOPBACK, "phpipam", "scanflow").toArray(String[]::new));

        dev.scanflow.demo.EmbeddedKafka broker = kafka ? startKafka() : null;
        String brokers = broker == null ? null : broker.bootstrapServers();

        String token = AgentTokens.newToken();
        Properties properties = new Properties();
        if (brokers != null) {
            // the agent publishes its spool to the reports topic, the server consumes it (beside its HTTP intake)
            properties.setProperty("scanflow.kafka.brokers", brokers);
            properties.setProperty("scanflow.agent.transport", "kafka");
            properties.setProperty("scanflow.agent.site", KAFKA_SITE);
        }
        properties.setProperty("scanflow.server.host", host);
        properties.setProperty("scanflow.server.port", port);
        String operatorToken = AgentTokens.newToken();
        properties.setProperty("scanflow.server.api-token", operatorToken);
        // Hawtio's proxy passes the browser's Origin on: README, "Watching it"
        properties.setProperty("scanflow.observe.allowed-origins", System.getenv().getOrDefault("SCANFLOW_OBSERVE_ALLOWED_ORIGINS", ""));
        properties.setProperty("scanflow.db.url", mariaDb.url("phpipam"));
        properties.setProperty("scanflow.db.user", "scanflow");
        properties.setProperty("scanflow.db.password", dbPassword);
        properties.setProperty("scanflow.agent.code", site.agentCode());
        properties.setProperty("scanflow.agent.token", token);
        properties.setProperty("scanflow.agent.server-url", "http://" + local + ":" + port);
        properties.setProperty("scanflow.agent.subnets", subnet.toString());
        properties.setProperty("scanflow.agent.schedule", schedule);
        // the demo's database is new each run: so is its spool, or an earlier demo's reports would be refused here
        java.nio.file.Path spool = java.nio.file.Files.createTempDirectory("scanflow-demo-spool-");
        properties.setProperty("scanflow.agent.spool.dir", spool.toString());
        SettingsSource source = SettingsSource.of(properties);
        ServerSettings serverSettings = ServerSettings.from(source, home);
        AgentSettings agentSettings = AgentSettings.from(source);

        CamelApp app = new CamelApp();
        app.closeOnStop(() -> dev.scanflow.demo.WorkDirectories.deleteTree(spool));
        if (broker != null) {
            // stopped after Camel, whose Kafka clients would otherwise reconnect to a broker already gone; on
            // Ctrl-C the JVM halts once its hooks are done, so a hook waits for that close (at most 60 s)
            app.closeOnStop(broker);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    if (!broker.awaitClosed(60_000)) {
                        broker.close();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "embedded-kafka-stop"));
        }
        ServerRole.configure(app, serverSettings, AgentTokens.ofPlainTokens(Map.of(site.agentCode(), token)), home);
        AgentRole.configure(app, agentSettings, home);
        app.bean("phpipamView", new PhpipamView()).routes("file:" + home.resolve("routes/demo") + "/*.yaml");

        System.out.printf("phpIPAM database: %s (user scanflow)%n", mariaDb.url("phpipam"));
        System.out.printf("agent '%s' (code %s…) is assigned %s (subnet id %d); scanning now, then on '%s'%n",
                site.agentName(), site.agentCode().substring(0, 6), subnet, site.subnetId(), schedule);
        System.out.printf("server: http://%s:%s/api/v1/reports  health: /observe/health  metrics: /observe/metrics%n", local, port);
        if (brokers != null) {
            System.out.printf("Kafka: in-process KRaft broker at %s; the agent publishes to scanflow.reports (key %s/%s),"
                    + " the server consumes it in group scanflow-servers%n", brokers, KAFKA_SITE, subnet);
        }
        System.out.printf("operator API: curl -H 'Authorization: Bearer %s' http://%s:%s/api/v1/changes"
                + "  (also /api/v1/alerts, /api/v1/events; document at /api/v1/openapi.yaml)%n", operatorToken, local, port);
        System.out.printf("Hawtio: connect to http://%s:%s/observe/jolokia with any user name and the operator token as password%n",
                local, port);
        System.out.println("Ctrl-C stops the demo and deletes the embedded database" + (brokers == null ? "." : " and the broker's log."));
        app.run();
        return 0;
    }

    /** The demo's broker, its topics made as an operator would (README, "Reports over Kafka"). */
    private static dev.scanflow.demo.EmbeddedKafka startKafka() throws Exception {
        System.out.println("ScanFlow demo: starting an in-process Kafka broker (KRaft) on 127.0.0.1...");
        // the broker's own INFO lines (hundreds at start) would bury the demo's output; its warnings stay
        for (String logger : new String[] {"kafka", "state.change.logger", "org.apache.kafka", "org.apache.zookeeper"}) {
            org.apache.logging.log4j.core.config.Configurator.setLevel(logger, org.apache.logging.log4j.Level.WARN);
        }
        dev.scanflow.demo.EmbeddedKafka broker = dev.scanflow.demo.EmbeddedKafka.start();
        broker.createTopics(Map.of("scanflow.reports", 2, "scanflow.reports.dlt", 1, "scanflow.work." + KAFKA_SITE, 1));
        return broker;
    }
}
