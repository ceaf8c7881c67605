package dev.scanflow.server.access;

import dev.scanflow.server.api.ApiError;
import dev.scanflow.server.intake.AgentTokens;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator tokens the server knows: scanflow.server.api-token, which stays what it was before roles (it opens
 * everything, so it is an admin, named {@value #API_TOKEN_NAME}), and the named tokens of the operator tokens
 * file, each with its role. The file is re-read when it changes, so a token issued or revoked with
 * {@code bin/scanflow token operator ...} takes effect without a restart; no file means no named tokens.
 */
public final class OperatorTokens {

    /** The name the single configured token goes by (in rate limits and 403 messages). */
    public static final String API_TOKEN_NAME = "api-token";
    private static final Logger LOG = LoggerFactory.getLogger(OperatorTokens.class);

    /** Who a request is from. */
    public record Caller(String name, Role role) {
    }

    private final byte[] apiToken;
    private final OperatorTokenFile file;
    private volatile List<OperatorTokenFile.Entry> entries = List.of();
    private volatile FileTime loadedVersion;

    /**
     * @param apiToken the configured scanflow.server.api-token, or null
     * @param file     the operator tokens file, or null for none
     * @throws IllegalArgumentException when the file exists and does not read: the start stops
     */
    public OperatorTokens(String apiToken, OperatorTokenFile file) {
        this.apiToken = apiToken == null || apiToken.isBlank() ? null : AgentTokens.sha256(apiToken);
        this.file = file;
        reload(true);
    }

    /** True when no token at all is configured: the API is closed. */
    public boolean closed() {
        reload(false);
        return apiToken == null && entries.isEmpty();
    }

    /**
     * The caller an Authorization header names.
     *
     * @throws ApiError 401 when the header is missing, not Bearer, or holds no known token
     */
    public Caller authenticate(String authorization) {
        if (closed()) {
            throw new ApiError(401, "the operator API is closed: set scanflow.server.api-token (SCANFLOW_SERVER_API_TOKEN)"
                    + " or issue a token with 'bin/scanflow token operator issue <name> <role>'");
        }
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new ApiError(401, "missing Authorization header: 'Bearer <operator token>' is required");
        }
        byte[] presented = AgentTokens.sha256(authorization.substring(7).strip());
        Caller match = null;
        // every token is compared, each in constant time, so timing does not tell which matched
        if (apiToken != null && MessageDigest.isEqual(apiToken, presented)) {
            match = new Caller(API_TOKEN_NAME, Role.ADMIN);
        }
        for (OperatorTokenFile.Entry entry : entries) {
            if (MessageDigest.isEqual(entry.hash(), presented)) {
                match = new Caller(entry.name(), entry.role());
            }
        }
        if (match == null) {
            throw new ApiError(401, "invalid operator token");
        }
        return match;
    }

    /**
     * Whether a caller authenticated earlier (a dashboard session) still holds a token: its name is still in the
     * file with the same role, or it is the api-token. A revoked token's sessions end at their next request.
     */
    public boolean stillValid(Caller caller) {
        reload(false);
        if (caller.name().equals(API_TOKEN_NAME) && caller.role() == Role.ADMIN) {
            return apiToken != null;
        }
        return entries.stream().anyMatch(entry -> entry.name().equals(caller.name()) && entry.role() == caller.role());
    }

    private void reload(boolean atStart) {
        if (file == null) {
            return;
        }
        try {
            FileTime version = Files.getLastModifiedTime(file.path());
            if (!version.equals(loadedVersion)) {
                synchronized (this) {
                    if (!version.equals(loadedVersion)) {
                        entries = List.copyOf(file.read());
                        loadedVersion = version;
                    }
                }
            }
        } catch (NoSuchFileException e) {
            entries = List.of();
            loadedVersion = null;
        } catch (IOException | UncheckedIOException | IllegalArgumentException e) {
            // a badly edited file stops the start; later it keeps the tokens read before rather than lock everyone out
            if (atStart) {
                throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
            }
            LOG.error("operator tokens file {} not reloaded, keeping the tokens read before: {}", file.path(), e.getMessage());
        }
    }

    /** The named tokens now known (for tests and logs): names and roles, never hashes. */
    public List<Caller> named() {
        reload(false);
        List<Caller> callers = new ArrayList<>();
        entries.forEach(entry -> callers.add(new Caller(entry.name(), entry.role())));
        return callers;
    }
}
