package dev.scanflow.server.intake;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The server's bearer tokens, one or more per agent, kept only as SHA-256 hashes. A token is ScanFlow's
 * own secret, separate from the phpIPAM agent code: any phpIPAM API app with Read access can list every
 * agent code, so the code proves nothing.
 *
 * <p>File format (config/agent-tokens by default): one {@code <agent code> <sha256 hex>} per line,
 * {@code #} starts a comment. Tokens are 256 random bits, so a fast hash is enough; there is nothing
 * to brute-force.
 */
public final class AgentTokens {

    private static final SecureRandom RANDOM = new SecureRandom();

    private record Entry(String agentCode, byte[] hash) {
    }

    private final List<Entry> entries;

    private AgentTokens(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    public static AgentTokens load(Path file) {
        if (!Files.exists(file)) {
            throw new IllegalArgumentException("token file " + file + " does not exist: issue a token with "
                    + "'bin/scanflow token issue <agent code>'");
        }
        List<Entry> entries = new ArrayList<>();
        try {
            int number = 0;
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                number++;
                String trimmed = line.strip();
                if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                    continue;
                }
                String[] parts = trimmed.split("\\s+");
                if (parts.length != 2 || !parts[1].matches("[0-9a-f]{64}")) {
                    throw new IllegalArgumentException(file + " line " + number
                            + ": expected '<agent code> <sha256 hex of the token>'");
                }
                entries.add(new Entry(parts[0], HexFormat.of().parseHex(parts[1])));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new AgentTokens(entries);
    }

    /** Tokens held in memory only: the demo, which makes a fresh token at every start. */
    public static AgentTokens ofPlainTokens(Map<String, String> tokenByAgentCode) {
        List<Entry> entries = new ArrayList<>();
        tokenByAgentCode.forEach((code, token) -> entries.add(new Entry(code, sha256(token))));
        return new AgentTokens(entries);
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

    private static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
