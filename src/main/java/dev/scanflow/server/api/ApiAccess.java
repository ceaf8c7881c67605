package dev.scanflow.server.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import org.apache.camel.Header;

/**
 * The operator API's last line: a route's {@code apiAccess.check} lets a request through only when the API guard
 * (dev.scanflow.server.access.ApiGuard, in front of every /api/ request) checked its token, role and rate limit
 * first. The guard says so by replacing the caller's Authorization with this process's own pass, a random secret
 * that never leaves the process; so a route can never be reached round the guard (say, in the moment between the
 * routes starting and the guard being installed), and no route sees a caller's token.
 */
public class ApiAccess {

    private final byte[] pass;

    public ApiAccess() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        pass = ("Bearer " + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes)).getBytes(StandardCharsets.UTF_8);
    }

    /** What the guard puts in the Authorization header of a request it let through. */
    public String pass() {
        return new String(pass, StandardCharsets.UTF_8);
    }

    public void check(@Header("Authorization") String authorization) {
        if (!allows(authorization)) {
            throw new ApiError(401, "missing Authorization header: 'Bearer <operator token>' is required");
        }
    }

    public boolean allows(String authorization) {
        return authorization != null && MessageDigest.isEqual(pass, authorization.getBytes(StandardCharsets.UTF_8));
    }
}
