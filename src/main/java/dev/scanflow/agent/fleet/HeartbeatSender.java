package dev.scanflow.agent.fleet;

import dev.scanflow.agent.deliver.ReportDelivery;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scanflow.config.AgentSettings;
import dev.scanflow.net.Cidr;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's heartbeat (agent-routes/server-calls.yaml, on a timer): version, profiles, assigned subnets, backlog,
 * last delivery, last error. A heartbeat that does not arrive is only logged: the server marks the agent
 * late, then offline, which is the point.
 */
public class HeartbeatSender {

    private static final Logger LOG = LoggerFactory.getLogger(HeartbeatSender.class);

    private final ServerCalls server;
    private final AgentSettings settings;
    private final Supplier<List<String>> subnets;
    private final Supplier<ReportDelivery.DeliveryStatus> deliveries;
    private final String version;
    private final ObjectMapper json;

    public HeartbeatSender(ServerCalls server, AgentSettings settings, Supplier<List<String>> subnets,
                           Supplier<ReportDelivery.DeliveryStatus> deliveries, String version, ObjectMapper json) {
        this.server = server;
        this.settings = settings;
        this.subnets = subnets;
        this.deliveries = deliveries;
        this.version = version;
        this.json = json;
    }

    public Map<String, Object> heartbeat() {
        List<String> assigned = subnets.get();
        TreeSet<String> profiles = new TreeSet<>();
        for (String subnet : assigned) {
            try {
                profiles.add(settings.profileFor(Cidr.parse(subnet)).id());
            } catch (IllegalArgumentException e) {
                profiles.add(settings.profile().id());
            }
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("version", version);
        body.put("profiles", List.copyOf(profiles));
        body.put("subnets", assigned);
        // what waits in the spool (agent/spool): reports made but not yet acknowledged by the server or broker
        ReportDelivery.DeliveryStatus delivery = deliveries.get();
        body.put("backlog", delivery.backlog().count());
        body.put("lastDelivery", delivery.lastDelivery());
        body.put("lastError", delivery.lastError());
        // the site whose work topic this agent reads: the server publishes this agent's scan jobs there
        if (settings.transport().overKafka()) {
            body.put("site", settings.transport().site());
        }
        return body;
    }

    public void send() {
        try {
            ServerCalls.Answer answer = server.post("/api/v1/fleet/heartbeat", json.writeValueAsString(heartbeat()));
            if (answer.status() != 200) {
                LOG.warn("heartbeat refused by the server ({}): {}", answer.status(), answer.body());
            }
        } catch (IOException e) {
            LOG.warn("heartbeat not delivered: {}", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
