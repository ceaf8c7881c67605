package dev.scanflow.launch;

import dev.scanflow.agent.deliver.KafkaRecordKey;
import dev.scanflow.agent.work.SiteWork;
import dev.scanflow.config.AgentTransportSettings;
import dev.scanflow.config.KafkaSettings;
import dev.scanflow.report.ReportJson;
import dev.scanflow.server.transport.kafka.KafkaIntake;
import dev.scanflow.server.transport.kafka.RestoreRecord;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Kafka as a transport, wired per role: the server's entry route (routes/kafka/) and the agent's delivery and
 * work routes (agent-routes/kafka/), loaded only when Kafka is configured. Every kafka: endpoint of a role
 * uses the cluster and client security of scanflow.kafka.* (camel-kafka component properties).
 */
public final class KafkaTransport {

    private KafkaTransport() {
    }

    /** The server consumes the reports topic in its consumer group, beside the HTTP intake. */
    static void configureServer(CamelApp app, KafkaSettings kafka, Path home) {
        kafka.componentProperties().forEach(app::property);
        app.bean("kafkaIntake", new KafkaIntake())
                .bean("restoreRecord", new RestoreRecord())
                .property("scanflow.kafka.reports-topic", kafka.reportsTopic())
                .property("scanflow.kafka.dead-letter-topic", kafka.deadLetterTopic())
                .property("scanflow.kafka.group-id", kafka.groupId())
                .property("scanflow.kafka.consumers", kafka.consumers())
                .routes("file:" + home.resolve("routes/kafka") + "/*.yaml");
    }

    /** The agent sends its spool to the reports topic (instead of HTTP) and takes its site's work items. */
    static void configureAgent(CamelApp app, AgentTransportSettings transport, String agentCode, Duration deliveryTimeout,
                               Path home) {
        KafkaSettings kafka = transport.kafka().orElseThrow();
        kafka.componentProperties().forEach(app::property);
        long timeout = deliveryTimeout.toMillis();
        app.bean("kafkaRecordKey", new KafkaRecordKey(transport.site()))
                .bean("siteWork", new SiteWork(agentCode, ReportJson.mapper()))
                .property("scanflow.kafka.reports-topic", kafka.reportsTopic())
                .property("scanflow.kafka.max-request-bytes", kafka.maxRequestBytes())
                .property("scanflow.agent.delivery.timeout-ms", timeout)
                // a request must fit in the delivery timeout (Kafka refuses a delivery timeout shorter)
                .property("scanflow.agent.delivery.request-timeout-ms", Math.min(30_000, timeout))
                .property("scanflow.agent.work-topic", kafka.workTopic(transport.site()))
                // a group per agent: every agent of the site sees every item and keeps those naming it
                .property("scanflow.agent.work-group", "scanflow-agent-" + transport.site() + "." + agentCode)
                // the HTTP delivery route reads the same spool: it is not loaded, so one transport sends it
                .property("camel.main.routesExcludePattern", "**/agent-routes/delivery.yaml")
                .routes("file:" + home.resolve("agent-routes/kafka") + "/*.yaml");
    }
}
