package dev.scanflow.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scanflow.agent.spool.ReportSpool;
import dev.scanflow.agent.work.SiteWork;
import dev.scanflow.config.AgentSettings;
import dev.scanflow.config.SettingsSource;
import dev.scanflow.launch.AgentRole;
import dev.scanflow.launch.CamelApp;
import dev.scanflow.net.Cidr;
import dev.scanflow.net.IpAddress;
import dev.scanflow.server.phpipam.WriteOutcome;
import dev.scanflow.server.transport.kafka.KafkaIntake;
import dev.scanflow.testing.KafkaBroker;
import dev.scanflow.testing.ServerUnderTest;
import dev.scanflow.testing.TestPhpipam;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.camel.builder.RouteBuilder;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reports over a real in-process KRaft broker, end to end on the real route files: two agents at two sites
 * that both scan 10.20.0.0/24 (the same private range behind two NATs; the range is only data here, nothing
 * probes it) publish their spools to the reports topic; the server applies each report to its own site's
 * phpIPAM subnet, one subnet's reports in the order they were spooled; poison records (a token of another
 * agent, a body that is no report) land in the dead-letter topic with the reason in headers without holding
 * up the records behind them; a work item on one site's work topic reaches that site's agent only.
 */
class KafkaTransportIT {

    private static final String CODE_A = "Site-a-agent-code-0123456789abcX";
    private static final String CODE_B = "Site-b-agent-code-0123456789abcY";
    private static final String TOKEN_A = "token-of-the-agent-at-site-a";
    private static final String TOKEN_B = "token-of-the-agent-at-site-b";
    private static final Cidr RANGE = Cidr.parse("10.20.0.0/24");
    private static final String REPORTS = "scanflow.reports";
    private static final String DEAD = "scanflow.reports.dlt";

    @TempDir
    Path dir;

    @Test
    void twoSitesWithTheSameRangeLandInTheirOwnSubnetsInOrderAndPoisonGoesToTheDeadLetterTopic() throws Exception {
        try (KafkaBroker broker = KafkaBroker.start(); TestPhpipam phpipam = TestPhpipam.create()) {
            KafkaReports.createTopics(broker, Map.of(REPORTS, 4, DEAD, 1, "scanflow.work.site-a", 1, "scanflow.work.site-b", 1));
            long agentA = phpipam.insertAgent("site-a", CODE_A);
            long agentB = phpipam.insertAgent("site-b", CODE_B);
            long subnetA = phpipam.insertSubnet(RANGE, agentA, true, true);
            long subnetB = phpipam.insertSubnet(RANGE, agentB, true, true);

            // each site's spool: five reports, oldest first, each seeing one more host than the one before
            List<String> spooledA = spool(dir.resolve("spool-a"), CODE_A, 10);
            List<String> spooledB = spool(dir.resolve("spool-b"), CODE_B, 100);

            // poison, ahead of site a's reports in their partition: a report of a's signed with b's token, and
            // bytes that are no report at all
            byte[] foreign = KafkaReports.report(UUID.randomUUID(), CODE_A, RANGE, 30, List.of("10.20.0.99"));
            byte[] garbage = "{\"not\": \"a report\"".getBytes(StandardCharsets.UTF_8);
            try (KafkaProducer<String, byte[]> producer = KafkaReports.producer(broker)) {
                producer.send(KafkaReports.record(REPORTS, "site-a/" + RANGE, foreign, "Bearer " + TOKEN_B)).get();
                producer.send(KafkaReports.record(REPORTS, "site-a/" + RANGE, garbage, "Bearer " + TOKEN_A)).get();
            }

            Properties kafka = new Properties();
            kafka.setProperty("scanflow.kafka.brokers", broker.bootstrapServers());
            List<WriteOutcome> applied = new CopyOnWriteArrayList<>();
            try (ServerUnderTest server = ServerUnderTest.start(phpipam, Map.of(CODE_A, TOKEN_A, CODE_B, TOKEN_B), kafka);
                 CamelApp siteA = agent("site-a", CODE_A, TOKEN_A, dir.resolve("spool-a"), broker);
                 CamelApp siteB = agent("site-b", CODE_B, TOKEN_B, dir.resolve("spool-b"), broker)) {
                server.app().context().addRoutes(new RouteBuilder() {
                    @Override
                    public void configure() {
                        from("seda:report-written").process(e -> applied.add(e.getMessage().getBody(WriteOutcome.class)));
                    }
                });
                siteA.start();
                siteB.start();
                assertNull(siteA.context().getRoute("report-delivery"), "over Kafka the HTTP delivery route is not loaded");
                assertTrue(siteA.context().getRoute("report-delivery-kafka") != null);
                phpipam.awaitReports(10, Duration.ofSeconds(60));
                awaitEmpty(dir.resolve("spool-a/outbox"));
                awaitEmpty(dir.resolve("spool-b/outbox"));

                // the right subnet, every host of its own site and none of the other's
                assertEquals(addresses("10.20.0.5", 10, 5), addressesIn(phpipam, subnetA));
                assertEquals(addresses("10.20.0.5", 100, 5), addressesIn(phpipam, subnetB));
                // order kept per subnet: applied in the order each site spooled them
                long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (applied.size() < 10 && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
                assertEquals(spooledA, idsFor(applied, subnetA));
                assertEquals(spooledB, idsFor(applied, subnetB));
                assertEquals(10, phpipam.rows("SELECT report_id FROM `" + phpipam.scanflowSchema + "`.ingested_reports").size());
                assertTrue(applied.stream().noneMatch(WriteOutcome::isDuplicate), applied.toString());

                // the poison: in the dead-letter topic, its own bytes and key, the reason in headers, no token
                List<ConsumerRecord<String, byte[]>> dead = KafkaReports.readAll(broker, DEAD, 2, Duration.ofSeconds(20));
                assertEquals(2, dead.size(), "exactly the two poison records are dead letters");
                ConsumerRecord<String, byte[]> first = dead.get(0);
                assertEquals("403", KafkaReports.header(first, KafkaIntake.STATUS));
                assertTrue(KafkaReports.header(first, KafkaIntake.REASON).contains("not issued to the agent"),
                        KafkaReports.header(first, KafkaIntake.REASON));
                assertEquals(new String(foreign, StandardCharsets.UTF_8), new String(first.value(), StandardCharsets.UTF_8));
                assertEquals("site-a/" + RANGE, first.key());
                assertEquals(REPORTS, KafkaReports.header(first, KafkaIntake.TOPIC));
                assertEquals(CODE_B, KafkaReports.header(first, KafkaIntake.AGENT));
                ConsumerRecord<String, byte[]> second = dead.get(1);
                assertEquals("400", KafkaReports.header(second, KafkaIntake.STATUS));
                assertFalse(KafkaReports.header(second, KafkaIntake.REASON).isBlank());
                for (ConsumerRecord<String, byte[]> record : dead) {
                    assertNull(KafkaReports.header(record, "Authorization"), "a token never reaches the dead-letter topic");
                }
                assertEquals(Set.of(), Set.copyOf(phpipam.rows("SELECT ip_addr FROM ipaddresses WHERE ip_addr = ?",
                        IpAddress.parse("10.20.0.99").decimal())), "the foreign report wrote nothing");

                // a work item for site a reaches a's agent, not b's
                try (KafkaProducer<String, byte[]> producer = KafkaReports.producer(broker)) {
                    producer.send(KafkaReports.record("scanflow.work.site-a", "site-a/" + RANGE,
                            "{\"kind\":\"scan-now\",\"subnet\":\"10.20.0.0/24\"}".getBytes(StandardCharsets.UTF_8), null)).get();
                }
                SiteWork workA = siteA.context().getRegistry().lookupByNameAndType("siteWork", SiteWork.class);
                SiteWork workB = siteB.context().getRegistry().lookupByNameAndType("siteWork", SiteWork.class);
                deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (workA.count() < 1 && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
                assertEquals(1, workA.count());
                assertEquals(0, workB.count());
            }
        }
    }

    @Test
    void aDatabaseOutageRetriesTheSameRecordUntilItIsBackAndNeverDeadLetters() throws Exception {
        try (KafkaBroker broker = KafkaBroker.start(); TestPhpipam phpipam = TestPhpipam.create()) {
            KafkaReports.createTopics(broker, Map.of(REPORTS, 1, DEAD, 1));
            long subnetA = phpipam.insertSubnet(RANGE, phpipam.insertAgent("site-a", CODE_A), true, true);
            Properties kafka = new Properties();
            kafka.setProperty("scanflow.kafka.brokers", broker.bootstrapServers());
            // the database "fails" for the first three tries of the first report (as PhpipamUnavailable does)
            java.util.concurrent.atomic.AtomicInteger failures = new java.util.concurrent.atomic.AtomicInteger();
            dev.scanflow.server.store.StepHook outage = step -> {
                if (step.equals("authorized") && failures.getAndIncrement() < 3) {
                    throw new dev.scanflow.server.phpipam.PhpipamUnavailable("the test's outage",
                            new java.sql.SQLTransientConnectionException("connection refused"));
                }
            };
            UUID first = UUID.randomUUID();
            UUID second = UUID.randomUUID();
            try (ServerUnderTest server = ServerUnderTest.start(phpipam, Map.of(CODE_A, TOKEN_A), kafka, null, outage);
                 KafkaProducer<String, byte[]> producer = KafkaReports.producer(broker)) {
                producer.send(KafkaReports.record(REPORTS, "site-a/" + RANGE,
                        KafkaReports.report(first, CODE_A, RANGE, 10, List.of("10.20.0.7")), "Bearer " + TOKEN_A)).get();
                producer.send(KafkaReports.record(REPORTS, "site-a/" + RANGE,
                        KafkaReports.report(second, CODE_A, RANGE, 5, List.of("10.20.0.7", "10.20.0.8")), "Bearer " + TOKEN_A)).get();
                phpipam.awaitReports(2, Duration.ofSeconds(60));
                assertEquals(Set.of("10.20.0.7", "10.20.0.8"), addressesIn(phpipam, subnetA));
            }
            assertTrue(failures.get() >= 4, "tried again after each failure: " + failures.get());
            assertEquals(Set.of(first.toString(), second.toString()), Set.copyOf(phpipam.rows("SELECT report_id FROM `"
                    + phpipam.scanflowSchema + "`.ingested_reports").stream().map(row -> String.valueOf(row.get("report_id"))).toList()));
            assertEquals(0, KafkaReports.readAll(broker, DEAD, 0, Duration.ofSeconds(2)).size(), "an outage is no dead letter");
        }
    }

    /** Five reports of one agent in its spool, oldest first; host .5 always up, and one more each time. */
    private static List<String> spool(Path spoolDir, String code, int firstHost) throws Exception {
        ReportSpool spool = new ReportSpool(spoolDir, 1 << 24, Clock.systemUTC());
        List<String> ids = new ArrayList<>();
        List<String> up = new ArrayList<>(List.of("10.20.0.5"));
        for (int i = 0; i < 5; i++) {
            up.add("10.20.0." + (firstHost + i));
            UUID id = UUID.randomUUID();
            spool.store(id.toString(), KafkaReports.report(id, code, RANGE, 20 - i, up));
            ids.add(id.toString());
        }
        return ids;
    }

    private CamelApp agent(String site, String code, String token, Path spoolDir, KafkaBroker broker) {
        Properties properties = new Properties();
        properties.setProperty("scanflow.agent.code", code);
        properties.setProperty("scanflow.agent.token", token);
        properties.setProperty("scanflow.agent.transport", "kafka");
        properties.setProperty("scanflow.agent.site", site);
        properties.setProperty("scanflow.kafka.brokers", broker.bootstrapServers());
        properties.setProperty("scanflow.agent.subnets", RANGE.toString());
        properties.setProperty("scanflow.agent.scan-on-start", "false");
        properties.setProperty("scanflow.agent.schedule", "0 0 0 1 1 ? 2099");
        properties.setProperty("scanflow.agent.archive.dir", dir.resolve("archive-" + site).toString());
        properties.setProperty("scanflow.agent.spool.dir", spoolDir.toString());
        properties.setProperty("scanflow.agent.delivery.backoff-initial", "PT0.2S");
        properties.setProperty("scanflow.agent.delivery.backoff-max", "2s");
        properties.setProperty("scanflow.agent.delivery.timeout", "10s");
        CamelApp app = new CamelApp();
        AgentRole.configure(app, AgentSettings.from(SettingsSource.of(properties)), Optional.empty(), ServerUnderTest.HOME);
        app.property("camel.server.enabled", false).property("camel.main.name", "agent-" + site);
        return app;
    }

    static Set<String> addresses(String always, int first, int count) {
        Set<String> expected = new java.util.TreeSet<>();
        expected.add(always);
        for (int i = 0; i < count; i++) {
            expected.add("10.20.0." + (first + i));
        }
        return expected;
    }

    static Set<String> addressesIn(TestPhpipam phpipam, long subnetId) {
        return phpipam.rows("SELECT ip_addr FROM ipaddresses WHERE subnetId = ?", subnetId).stream()
                .map(row -> IpAddress.fromDecimal(4, String.valueOf(row.get("ip_addr"))).toString())
                .collect(Collectors.toCollection(java.util.TreeSet::new));
    }

    private static List<String> idsFor(List<WriteOutcome> applied, long subnetId) {
        return applied.stream().filter(o -> o.subnetId() == subnetId).map(o -> o.reportId().toString()).toList();
    }

    static void awaitEmpty(Path outbox) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            try (Stream<Path> files = Files.list(outbox)) {
                if (files.findAny().isEmpty()) {
                    return;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the spool " + outbox + " did not drain");
    }
}
