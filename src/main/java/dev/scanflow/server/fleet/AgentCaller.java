package dev.scanflow.server.fleet;

import dev.scanflow.server.api.ApiError;
import dev.scanflow.server.intake.AgentTokens;
import org.apache.camel.Header;

/** Which agent is calling the fleet and job endpoints: the one its bearer token was issued to, or 401. */
public class AgentCaller {

    private final AgentTokens tokens;

    public AgentCaller(AgentTokens tokens) {
        this.tokens = tokens;
    }

    public String code(@Header("Authorization") String authorization) {
        try {
            return tokens.authenticate(authorization);
        } catch (RuntimeException e) {
            throw new ApiError(401, e.getMessage());
        }
    }
}
