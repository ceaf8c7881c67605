package dev.scanflow.server.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.apache.camel.Header;

/**
 * Who may read the operator API (changes, hosts, alerts, the event stream): holders of the operator token,
 * scanflow.server.api-token, sent as "Authorization: Bearer ...". Agents' tokens do not open it: an agent
 * writes reports, it has no business reading other sites' alerts. Without a configured token the API is closed.
 */
public class ApiAccess {

    private final byte[] token;

    public ApiAccess(String token) {
        this.token = token == null || token.isBlank() ? null : token.getBytes(StandardCharsets.UTF_8);
    }

    public void check(@Header("Authorization") String authorization) {
        if (token == null) {
            throw new ApiError(401, "the operator API is closed: set scanflow.server.api-token (SCANFLOW_SERVER_API_TOKEN)");
        }
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new ApiError(401, "missing Authorization header: 'Bearer <operator token>' is required");
        }
        byte[] presented = authorization.substring(7).strip().getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(token, presented)) {
            throw new ApiError(401, "invalid operator token");
        }
    }

    public boolean allows(String authorization) {
        try {
            check(authorization);
            return true;
        } catch (ApiError e) {
            return false;
        }
    }
}
