package dev.scanflow.agent.report;

/** The bearer token this agent presents to the server. Kept out of route files and logs. */
public final class AgentCredentials {

    private final String token;

    public AgentCredentials(String token) {
        this.token = token;
    }

    public String authorization() {
        return "Bearer " + token;
    }

    @Override
    public String toString() {
        return "AgentCredentials[****]";
    }
}
