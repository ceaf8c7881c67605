package dev.scanflow.agent.status;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Whether the agent has work, as the operator needs to see it: the outcome of the last cycle's work fetch
 * (phpIPAM's API or the config). The routes tell it what happened; {@link AgentWorkHealthCheck} says it on the
 * health endpoint. Whether reports get delivered is the spool's delivery's to say (agent/deliver/DeliveryReadiness).
 */
public class AgentWorkStatus {

    /** Something wrong, since when, in one operator's sentence. */
    public record Problem(String message, Instant since) {
    }

    private final Clock clock;
    private volatile Problem work;

    public AgentWorkStatus(Clock clock) {
        this.clock = clock;
    }

    /** The cycle got its subnets; none at all is a problem too. */
    public void workFetched(List<String> subnets) {
        work = subnets.isEmpty() ? problem(work, "no work: phpIPAM assigns no subnet this agent may scan "
                + "(a leaf subnet with \"Check hosts status\" or \"Discover new hosts\")") : null;
    }

    /** The cycle could not get its subnets: phpIPAM refused, is down with nothing cached, or knows no such agent. */
    public void workFailed(Exception cause) {
        work = problem(work, "no work: " + cause.getMessage());
    }

    public Optional<Problem> workProblem() {
        return Optional.ofNullable(work);
    }

    /** Keeps the first time for the same sentence, so "since" says how long it has been going on. */
    private Problem problem(Problem previous, String message) {
        return previous != null && previous.message().equals(message) ? previous : new Problem(message, clock.instant());
    }

    private static String oneLine(String text) {
        String line = String.valueOf(text).replaceAll("[\\r\\n\\t]+", " ").strip();
        return line.length() > 300 ? line.substring(0, 300) + "..." : line;
    }
}
