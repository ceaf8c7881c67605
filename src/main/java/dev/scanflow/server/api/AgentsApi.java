package dev.scanflow.server.api;

import dev.scanflow.server.history.HistoryQueries;
import dev.scanflow.server.history.SubnetView;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import org.apache.camel.Exchange;
import org.apache.camel.Header;

/** GET /api/v1/agents: phpIPAM's scan agents (the sites) and the subnets ScanFlow holds state for per agent. */
public class AgentsApi {

    /** An agent and its tracked subnets; a site is an agent, named by its phpIPAM name. */
    public record AgentView(long id, String name, String type, Instant lastAccess, List<SubnetView> subnets) {
    }

    private final PhpipamAgents agents;
    private final HistoryQueries queries;

    public AgentsApi(PhpipamAgents agents, HistoryQueries queries) {
        this.agents = Objects.requireNonNull(agents, "agents");
        this.queries = Objects.requireNonNull(queries, "queries");
    }

    public Items<AgentView> list(@Header(Exchange.HTTP_QUERY) String query) {
        QueryParameters.parse(query);
        Map<String, List<SubnetView>> bySite = queries.subnets(null).stream()
                .collect(Collectors.groupingBy(SubnetView::site));
        return new Items<>(agents.list().stream()
                .map(agent -> new AgentView(agent.id(), agent.name(), agent.type(), agent.lastAccess(),
                        agent.name() == null ? List.of() : bySite.getOrDefault(agent.name(), List.of())))
                .toList());
    }
}
