package dev.scanflow.config;

import java.util.Locale;
import java.util.Optional;

/**
 * How the agent sends its spooled reports (config/agent.properties).
 *
 * @param transport scanflow.agent.transport: http (to scanflow.agent.server-url, the default) or kafka (to
 *                  scanflow.kafka.reports-topic)
 * @param site      scanflow.agent.site: the site's name, the first half of every record key (site/subnet) and
 *                  the end of the site's work topic name; required with kafka
 * @param kafka     the cluster (scanflow.kafka.*), present with transport kafka
 */
public record AgentTransportSettings(Transport transport, String site, Optional<KafkaSettings> kafka) {

    public enum Transport {
        HTTP,
        KAFKA
    }

    public static AgentTransportSettings from(SettingsSource source) {
        String text = source.string("scanflow.agent.transport", "http");
        Transport transport;
        try {
            transport = Transport.valueOf(text.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidSettings("scanflow.agent.transport must be http or kafka, not " + text);
        }
        if (transport == Transport.HTTP) {
            KafkaSettings.markKnown(source);
            return new AgentTransportSettings(transport, source.raw("scanflow.agent.site"), Optional.empty());
        }
        String site = source.required("scanflow.agent.site");
        if (!site.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new InvalidSettings("scanflow.agent.site must match [A-Za-z0-9._-]{1,64} (it names a Kafka topic): " + site);
        }
        return new AgentTransportSettings(transport, site, Optional.of(KafkaSettings.from(source)));
    }

    public boolean overKafka() {
        return transport == Transport.KAFKA;
    }
}
