package dev.scanflow.server.intake;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's bearer tokens, one or more per agent, kept only as SHA-256 hashes. A token is ScanFlow's
 * own secret, separate from the phpIPAM agent code: any phpIPAM API app with Read access can list every
 * agent code, so the code proves nothing.
 *
 * <p>Backed by a {@link TokenFile}; a token issued, rotated or revoked with the CLI takes effect without a
 * restart, because the file is re-read when its modification time changes. Tokens are 256 random bits,
 * so a fast hash is enough: there is nothing to brute-force.
 */
public final class AgentTokens {

    private static final Logger LOG = LoggerFactory.getLogger(AgentTokens.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    record Entry(String agentCode, byte[] hash) {
    }

    private final TokenFile file;
    private volatile List<Entry> entries;
    private volatile FileTime loadedVersion;

    private AgentTokens(TokenFile file, List<Entry> entries) {
        this.file = file;
        this.entries = List.copyOf(entries);
    }

    public static AgentTokens load(Path path) {
        TokenFile file = new TokenFile(path);
        if (!file.exists()) {
            throw new IllegalArgumentException("token file " + path + " does not exist: issue a token with "
                    + "'bin/scanflow token issue <agent code>'");
        }
        AgentTokens tokens = new AgentTokens(file, List.of());
        tokens.reloadIfChanged();
        return tokens;
    }

    /** Tokens held in memory only: the demo, which makes a fresh token at every start, and tests. */
    public static AgentTokens ofPlainTokens(Map<String, String> tokenByAgentCode) {
        List<Entry> entries = new ArrayList<>();
        tokenByAgentCode.forEach((code, token) -> entries.add(new Entry(code, sha256(token))));
        return new AgentTokens(null, entries);
    }

    public static String newToken() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public static String hashLine(String agentCode, String token) {
        return agentCode + " " + HexFormat.of().formatHex(sha256(token));
    }

    /**
     * The agent code that the bearer token in an Authorization header was issued to.
     *
     * @throws ReportRejected 401 when the header is missing, not Bearer, or the token is unknown
     */
    public String authenticate(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            throw ReportRejected.unauthenticated("missing Authorization header: 'Bearer <agent token>' is required");
        }
        if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw ReportRejected.unauthenticated("only Bearer tokens are accepted");
        }
        reloadIfChanged();
        byte[] presented = sha256(authorization.substring(7).strip());
        String match = null;
        // Every entry is compared, in constant time each, so timing tells nothing about which one matched.
        for (Entry entry : entries) {
            if (MessageDigest.isEqual(entry.hash(), presented)) {
                match = entry.agentCode();
            }
        }
        if (match == null) {
            throw ReportRejected.unauthenticated("invalid agent token");
        }
        return match;
    }

    public int size() {
        return entries.size();
    }

    private void reloadIfChanged() {
        if (file == null) {
            return;
        }
        try {
            FileTime version = Files.getLastModifiedTime(file.path());
            if (!version.equals(loadedVersion)) {
                synchronized (this) {
                    if (!version.equals(loadedVersion)) {
                        entries = file.read();
                        loadedVersion = version;
                    }
                }
            }
        } catch (IOException | UncheckedIOException | IllegalArgumentException e) {
            // A file removed, unreadable or badly edited mid-flight keeps the last good tokens rather than
            // locking every agent out; at start there is nothing good to keep, so it fails.
            if (loadedVersion == null) {
                throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
            }
            LOG.error("tokens file {} not reloaded, keeping the tokens read before: {}", file.path(), e.getMessage());
        }
    }

    public static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
