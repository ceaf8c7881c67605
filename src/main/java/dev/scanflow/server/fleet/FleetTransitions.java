package dev.scanflow.server.fleet;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code scanflow_fleet_transitions_total{to}}: every change of an agent's state; {@code scanflow_fleet_agents{status}}:
 * how many agents are in each state now.
 */
public class FleetTransitions {

    private final Map<AgentStatus, Counter> transitions = new EnumMap<>(AgentStatus.class);
    private final Map<String, AgentStatus> current = new ConcurrentHashMap<>();

    public FleetTransitions(MeterRegistry registry) {
        for (AgentStatus status : AgentStatus.values()) {
            transitions.put(status, Counter.builder("scanflow.fleet.transitions")
                    .description("Agents changing state (online, late, offline), by the state they changed to")
                    .tag("to", status.label()).register(registry));
            Gauge.builder("scanflow.fleet.agents", current, map -> map.values().stream().filter(s -> s == status).count())
                    .description("Agents in each state, as of the last heartbeat or sweep")
                    .tag("status", status.label()).register(registry);
        }
    }

    void seen(String agent, AgentStatus status) {
        current.put(agent, status);
    }

    void changed(String agent, AgentStatus to) {
        current.put(agent, to);
        transitions.get(to).increment();
    }
}
